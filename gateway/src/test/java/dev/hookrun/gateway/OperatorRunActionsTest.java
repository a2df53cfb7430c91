package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hookrun.testkit.SharedTestBroker;
import dev.hookrun.testkit.TestEnv;
import dev.hookrun.testkit.TestHttp;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An operator cancels and retries any project's run on the admin listener ({@code POST
 * /ops/runs/{id}/cancel|retry}) with the admin key, and nowhere else: not without the key, not on
 * the API port.
 */
class OperatorRunActionsTest {

  private static final String ADMIN_KEY = "admin-key-" + UUID.randomUUID();
  private static final String PREDICT = "/v3/p-ops/webhook-delay-example/predict";

  private Vertx vertx;
  private TestHttp api;
  private TestHttp admin;
  private int apiPort;
  private int adminPort;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    GatewayVerticle gateway =
        new GatewayVerticle(
            GatewayConfig.fromEnv(
                TestEnv.gateway(
                    SharedTestBroker.bootstrapServers(),
                    "operator-" + UUID.randomUUID() + ".",
                    "k=p-ops",
                    Map.of("ADMIN_KEY", ADMIN_KEY, "OPS_LAG_SAMPLE_INTERVAL", "0s"))));
    vertx.deployVerticle(gateway).await();
    apiPort = gateway.actualPort();
    adminPort = gateway.adminPort();
    api = new TestHttp(apiPort, "k");
    admin = new TestHttp(adminPort, ADMIN_KEY);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private String queuedRun() {
    var accepted =
        api.post(PREDICT, "{\"delayMins\": 5, \"webhook_endpoint\": \"http://127.0.0.1:9/h\"}");
    assertEquals(202, accepted.status(), accepted.json()::encode);
    return accepted.json().getString("run_id");
  }

  @Test
  void theAdminKeyCancelsAQueuedRunOfAnyProjectThenRetriesIt() {
    String runId = queuedRun();
    var cancelled = admin.post("/ops/runs/" + runId + "/cancel", "{}");
    assertEquals(200, cancelled.status(), cancelled.json()::encode);
    assertEquals("cancelled", cancelled.json().getString("status"));
    assertEquals(
        "cancelled",
        api.get("/v3/p-ops/webhook-delay-example/runs/" + runId).json().getString("status"),
        "the project's own view agrees");

    var again = admin.post("/ops/runs/" + runId + "/cancel", "{}");
    assertEquals(409, again.status(), again.json()::encode);
    assertEquals("run_finished", again.json().getJsonObject("error").getString("code"));

    var retried = admin.post("/ops/runs/" + runId + "/retry", "{}");
    assertEquals(202, retried.status(), retried.json()::encode);
    assertEquals(runId, retried.json().getString("retry_of"));
    String retryId = retried.json().getString("run_id");
    assertEquals(
        "queued",
        api.get("/v3/p-ops/webhook-delay-example/runs/" + retryId).json().getString("status"));
  }

  @Test
  void withoutTheAdminKeyOrOnTheApiPortNothingIsCancelled() {
    String runId = queuedRun();
    var noKey =
        new TestHttp(adminPort, "wrong-key-0123456789")
            .post("/ops/runs/" + runId + "/cancel", "{}");
    assertEquals(401, noKey.status(), noKey.json()::encode);
    var onApiPort = new TestHttp(apiPort, ADMIN_KEY).post("/ops/runs/" + runId + "/cancel", "{}");
    assertEquals(404, onApiPort.status());
    assertEquals(
        "queued",
        api.get("/v3/p-ops/webhook-delay-example/runs/" + runId).json().getString("status"));
    var unknown = admin.post("/ops/runs/no-such-run/cancel", "{}");
    assertEquals(404, unknown.status());
    assertEquals("run_not_found", unknown.json().getJsonObject("error").getString("code"));
  }
}
