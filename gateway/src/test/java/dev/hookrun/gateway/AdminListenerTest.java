package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.testkit.SharedTestBroker;
import dev.hookrun.testkit.TestEnv;
import dev.hookrun.testkit.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * /ops and /metrics live on the admin listener (ADMIN_HTTP_HOST:ADMIN_HTTP_PORT) and nowhere else:
 * the API port answers 404 for them, with or without the admin key.
 */
class AdminListenerTest {

  private static final String ADMIN_KEY = "admin-key-" + UUID.randomUUID();

  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private GatewayVerticle gateway(String adminKey) {
    Map<String, String> extra = new HashMap<>();
    extra.put("OPS_LAG_SAMPLE_INTERVAL", "0s");
    if (adminKey != null) {
      extra.put("ADMIN_KEY", adminKey);
    }
    GatewayVerticle gateway =
        new GatewayVerticle(
            GatewayConfig.fromEnv(
                TestEnv.gateway(
                    SharedTestBroker.bootstrapServers(),
                    "admin-" + UUID.randomUUID() + ".",
                    "k=p-1",
                    extra)));
    vertx.deployVerticle(gateway).await();
    return gateway;
  }

  private static HttpResponse<String> get(int port, String path, String authorization) {
    Map<String, String> headers =
        authorization == null ? Map.of() : Map.of("Authorization", authorization);
    return new TestHttp(port, "unused").sendRaw("GET", path, headers, null);
  }

  private static String errorCode(HttpResponse<String> response) {
    return new JsonObject(response.body()).getJsonObject("error").getString("code");
  }

  @Test
  void theApiPortAnswers404ForOpsAndMetricsWithOrWithoutTheAdminKey() {
    for (String key : new String[] {ADMIN_KEY, null}) {
      GatewayVerticle gateway = gateway(key);
      int api = gateway.actualPort();
      assertNotEquals(api, gateway.adminPort());
      for (String auth : new String[] {null, ADMIN_KEY, "Bearer " + ADMIN_KEY}) {
        for (String path : new String[] {"/ops/topics", "/ops/groups", "/metrics"}) {
          var answer = get(api, path, auth);
          assertEquals(404, answer.statusCode(), () -> path + ": " + answer.body());
          assertEquals("not_found", errorCode(answer), path);
        }
      }
      // what the API port still serves
      assertEquals(200, get(api, "/healthz", null).statusCode());
      assertEquals(200, get(api, "/openapi.yaml", null).statusCode());
    }
  }

  @Test
  void theAdminListenerServesOpsMetricsAndProbes() {
    GatewayVerticle gateway = gateway(ADMIN_KEY);
    int admin = gateway.adminPort();
    var metrics = get(admin, "/metrics", null);
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.body().contains("# TYPE"), metrics::body);
    assertEquals(200, get(admin, "/healthz", null).statusCode());
    var topics = get(admin, "/ops/topics", "Bearer " + ADMIN_KEY);
    assertEquals(200, topics.statusCode(), topics::body);
    assertTrue(new JsonObject(topics.body()).containsKey("topics"));
    var unauthorized = get(admin, "/ops/topics", null);
    assertEquals(401, unauthorized.statusCode());
    assertEquals("unauthorized", errorCode(unauthorized));
    // no predicts there
    assertEquals(404, get(admin, "/v3/p-1/webhook-delay-example/runs/x", "k").statusCode());
  }

  @Test
  void withoutAnAdminKeyTheAdminListenerSaysOpsIsOff() {
    GatewayVerticle gateway = gateway(null);
    var off = get(gateway.adminPort(), "/ops/topics", null);
    assertEquals(404, off.statusCode());
    assertEquals("ops_disabled", errorCode(off));
    assertEquals(200, get(gateway.adminPort(), "/metrics", null).statusCode());
  }

  @Test
  void wrongAdminKeysFromOneAddressAreRefusedWith429OnceOverTheBurst() {
    GatewayVerticle gateway = gateway(ADMIN_KEY);
    int admin = gateway.adminPort();
    for (int i = 0; i < 5; i++) {
      var wrong = get(admin, "/ops/topics", "wrong-key-" + i + "-0123456789");
      assertEquals(401, wrong.statusCode(), "attempt " + (i + 1));
    }
    var limited = get(admin, "/ops/topics", "wrong-key-again-0123456789");
    assertEquals(429, limited.statusCode(), limited::body);
    assertEquals("too_many_attempts", errorCode(limited));
    long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter >= 1 && retryAfter <= 10, "Retry-After " + retryAfter);
    // while over it even the right key waits: a guess that happens to be right is not let through
    assertEquals(429, get(admin, "/ops/topics", ADMIN_KEY).statusCode());
    // the probes and metrics are not behind the key
    assertEquals(200, get(admin, "/metrics", null).statusCode());
  }
}
