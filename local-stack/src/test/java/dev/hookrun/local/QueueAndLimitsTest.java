package dev.hookrun.local;

import static dev.hookrun.local.TestStack.PROJECT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.testkit.TestHttp;
import dev.hookrun.testkit.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The queue view and purge, and the per-request limits (execution_timeout_seconds, Prefer: wait).
 */
class QueueAndLimitsTest {

  private static final String APP = "/v3/" + PROJECT + "/webhook-delay-example";
  @RegisterExtension final TestStack stack = new TestStack();
  private final WebhookReceiver receiver = stack.receiver();

  private String status(TestStack.Gateway gateway, String runId) {
    return gateway.http().get(APP + "/runs/" + runId).json().getString("status");
  }

  @Test
  void aPurgeWhileTheWorkerIsBusyCancelsExactlyTheQueuedRuns() {
    var gateway = stack.gateway();
    stack.worker("w1", stack.workerConfig("w1").withMaxInflight(1));
    stack.dispatcher();
    String hook = "\"webhook_endpoint\": \"" + receiver.url() + "\"";
    String busy =
        gateway
            .http()
            .post(APP + "/predict", "{\"delayMins\": 0.05, " + hook + "}")
            .json()
            .getString("run_id");
    await().atMost(Duration.ofSeconds(10)).until(() -> "running".equals(status(gateway, busy)));
    List<String> waiting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiting.add(
          gateway
              .http()
              .post(APP + "/predict", "{\"delayMins\": 0, " + hook + "}")
              .json()
              .getString("run_id"));
    }
    JsonObject queue = gateway.http().get(APP + "/queue").json();
    assertEquals(3, queue.getInteger("queued"), queue::encode);
    assertEquals(1, queue.getInteger("running"), queue::encode);
    assertTrue(queue.getDouble("oldest_queued_age_s") >= 0, queue::encode);

    var purged = gateway.http().post(APP + "/queue/purge", "");
    assertEquals(200, purged.status(), () -> purged.json().encode());
    assertEquals(3, purged.json().getInteger("cancelled"));

    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.deliveries().size() == 4);
    assertEquals(
        "succeeded",
        receiver.deliveriesFor(busy).get(0).body().getString("status"),
        "the running run went on");
    for (String runId : waiting) {
      assertEquals("cancelled", receiver.deliveriesFor(runId).get(0).body().getString("status"));
      assertEquals("cancelled", status(gateway, runId));
    }
    JsonObject after = gateway.http().get(APP + "/queue").json();
    assertEquals(0, after.getInteger("queued"));
    assertEquals(0, after.getInteger("running"));
    String metrics =
        new TestHttp(gateway.verticle().adminPort(), "unused")
            .sendRaw("GET", "/metrics", Map.of(), null)
            .body();
    assertTrue(
        metrics.contains(
            "hookrun_runs_queued{app=\"webhook-delay-example\",project=\"" + PROJECT + "\"}"),
        "the queue is a gauge too");
  }

  @Test
  void executionTimeoutSecondsStopsARunBeforeMaxRunTime() {
    var gateway = stack.gateway();
    stack.worker("w1");
    var accepted =
        gateway
            .http()
            .post(
                APP + "/predict?async=true",
                "{\"delayMins\": 0.5, \"execution_timeout_seconds\": 1}");
    assertEquals(202, accepted.status(), () -> accepted.json().encode());
    String runId = accepted.json().getString("run_id");
    await().atMost(Duration.ofSeconds(10)).until(() -> "failed".equals(status(gateway, runId)));
    JsonObject run = gateway.http().get(APP + "/runs/" + runId).json();
    assertEquals("timeout", run.getJsonObject("error").getString("code"));
    assertTrue(run.getLong("run_time_ms") < 5_000, run::encode);

    var tooLong =
        gateway
            .http()
            .post(APP + "/predict", "{\"delayMins\": 0, \"execution_timeout_seconds\": 999999999}");
    assertEquals(400, tooLong.status());
    assertEquals(
        "execution_timeout_seconds", tooLong.json().getJsonObject("error").getString("field"));
  }

  @Test
  void preferWaitBoundsTheSynchronousWait() {
    var gateway = stack.gateway();
    stack.worker("w1");
    long start = System.nanoTime();
    var response =
        gateway
            .http()
            .postRaw(APP + "/predict", "{\"delayMins\": 0.05}", Map.of("Prefer", "wait=1"));
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals(202, response.statusCode(), response::body);
    assertEquals("wait=1", response.headers().firstValue("Preference-Applied").orElse(""));
    assertTrue(
        tookMs < 2_900, "answered after the 1 s asked for, not the 3 s run: " + tookMs + " ms");

    var bad =
        gateway.http().post(APP + "/predict", "{\"delayMins\": 0}", Map.of("Prefer", "wait=0"));
    assertEquals(400, bad.status());
    assertEquals("invalid_header", bad.json().getJsonObject("error").getString("code"));
  }
}
