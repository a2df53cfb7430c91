package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hookrun.testkit.SharedTestBroker;
import dev.hookrun.testkit.TestEnv;
import dev.hookrun.testkit.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An app's queue view splits its queued runs by the priority lane they wait in. */
class QueueLanesApiTest {

  private static final String KEY = "k-" + UUID.randomUUID();
  private static final String APP = "/v3/p-1/webhook-delay-example";

  private static Vertx vertx;
  private static TestHttp http;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    GatewayConfig config =
        GatewayConfig.fromEnv(
            TestEnv.gateway(
                SharedTestBroker.bootstrapServers(),
                "lanes-" + UUID.randomUUID() + ".",
                KEY + "=p-1",
                Map.of()));
    GatewayVerticle gateway = new GatewayVerticle(config);
    vertx.deployVerticle(gateway).await();
    http = new TestHttp(gateway.actualPort(), KEY);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static void predict(String priorityField) {
    var accepted =
        http.post(APP + "/predict?async=true", "{\"delayMins\": 1" + priorityField + "}");
    assertEquals(202, accepted.status(), () -> accepted.json().encode());
  }

  @Test
  void theQueueViewCountsQueuedRunsPerPriorityLane() {
    JsonObject empty = http.get(APP + "/queue").json();
    assertEquals(
        new JsonObject().put("high", 0).put("normal", 0).put("low", 0),
        empty.getJsonObject("queued_by_priority"),
        empty::encode);

    predict(", \"priority\": \"high\"");
    predict(""); // normal by default
    predict(", \"priority\": \"normal\"");
    predict(", \"priority\": \"low\"");
    predict(", \"priority\": \"low\"");
    predict(", \"priority\": \"low\"");

    JsonObject queue = http.get(APP + "/queue").json();
    assertEquals(6, queue.getInteger("queued"), queue::encode);
    assertEquals(
        new JsonObject().put("high", 1).put("normal", 2).put("low", 3),
        queue.getJsonObject("queued_by_priority"),
        queue::encode);
  }
}
