package dev.hookrun.local;

import static dev.hookrun.local.TestStack.PROJECT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.dispatcher.DispatcherVerticle;
import dev.hookrun.testkit.TestHttp;
import dev.hookrun.testkit.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs scheduled ahead ({@code run_at}, {@code delay_seconds}): {@code scheduled} with their time
 * until it comes, then queued and started within a second of it; cancellable meanwhile; on time
 * across a restart of the scheduler or the gateway, and run and delivered once when the worker or
 * the dispatcher is replaced before their time; their queue time-to-live counted from their time.
 */
class ScheduledRunsTest {

  private static final String APP = "/v3/" + PROJECT + "/webhook-delay-example";

  @RegisterExtension final TestStack stack = new TestStack();

  private static JsonObject status(TestHttp http, String runId) {
    var response = http.get(APP + "/runs/" + runId);
    assertEquals(200, response.status(), () -> "status answered " + response.json());
    return response.json();
  }

  private static String predict(TestHttp http, JsonObject body) {
    var accepted = http.post(APP + "/predict", body.encode());
    assertEquals(202, accepted.status(), () -> "answered " + accepted.json());
    assertEquals("scheduled", accepted.json().getString("status"));
    return accepted.json().getString("run_id");
  }

  /** Started within a second of its time, not before it. */
  private static void startedOnTime(JsonObject finished, Instant runAt) {
    Instant started = Instant.parse(finished.getString("started_at"));
    long lateMs = Duration.between(runAt, started).toMillis();
    assertTrue(lateMs >= 0 && lateMs <= 1_000, () -> "started " + lateMs + " ms after run_at");
  }

  @Test
  void aRunAtRunIsScheduledWithItsTimeThenRunsOnTimeAndSucceeds() {
    var gw = stack.gateway();
    stack.worker("w1");
    Instant runAt = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
    // without a webhook too: answered at once, nobody waits for the start
    String runId =
        predict(gw.http(), new JsonObject().put("delayMins", 0).put("run_at", runAt.toString()));

    JsonObject scheduled = status(gw.http(), runId);
    assertEquals("scheduled", scheduled.getString("status"));
    assertEquals(runAt.toString(), scheduled.getString("scheduled_for"));
    assertEquals(null, scheduled.getValue("queue_position"));
    JsonObject queue = gw.http().get(APP + "/queue").json();
    assertEquals(1, queue.getInteger("scheduled"));
    assertEquals(0, queue.getInteger("queued"));

    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> status(gw.http(), runId).getString("status").equals("succeeded"));
    JsonObject finished = status(gw.http(), runId);
    startedOnTime(finished, runAt);
    assertEquals(runAt.toString(), finished.getString("scheduled_for"));
  }

  @Test
  void aDelaySecondsRunStartsThatLongAfterItWasAccepted() {
    var gw = stack.gateway();
    stack.worker("w1");
    Instant before = Instant.now();
    String runId = predict(gw.http(), new JsonObject().put("delayMins", 0).put("delay_seconds", 2));
    Instant runAt = Instant.parse(status(gw.http(), runId).getString("scheduled_for"));
    assertTrue(
        !runAt.isBefore(before.plusSeconds(2)) && runAt.isBefore(Instant.now().plusSeconds(2)));

    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> status(gw.http(), runId).getString("status").equals("succeeded"));
    startedOnTime(status(gw.http(), runId), runAt);
  }

  @Test
  void aScheduledRunCancelledBeforeItsTimeEndsCancelledNeverRunsAndItsWebhookSaysSo() {
    var gw = stack.gateway();
    stack.worker("w1");
    stack.dispatcher();
    WebhookReceiver receiver = stack.receiver();
    String runId =
        predict(
            gw.http(),
            new JsonObject()
                .put("delayMins", 0)
                .put("delay_seconds", 3)
                .put("webhook_endpoint", receiver.url()));

    var cancelled = gw.http().post(APP + "/runs/" + runId + "/cancel", "");
    assertEquals(200, cancelled.status(), () -> "answered " + cancelled.json());
    assertEquals("cancelled", cancelled.json().getString("status"));

    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.deliveriesFor(runId).size() == 1);
    assertEquals("cancelled", receiver.deliveriesFor(runId).get(0).body().getString("status"));
    // past its time it is still cancelled, never started
    Instant past = Instant.now().plusSeconds(4);
    await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(past));
    JsonObject after = status(gw.http(), runId);
    assertEquals("cancelled", after.getString("status"));
    assertEquals(null, after.getValue("started_at"));
    assertEquals(1, receiver.deliveriesFor(runId).size());
  }

  @Test
  void aRunScheduledBeforeTheSchedulerRestartsStillRunsOnTime() {
    var gw = stack.gateway();
    stack.worker("w1");
    Instant runAt = Instant.now().plusSeconds(8).truncatedTo(ChronoUnit.SECONDS);
    String runId =
        predict(gw.http(), new JsonObject().put("delayMins", 0).put("run_at", runAt.toString()));

    // wait until the first scheduler holds it (its request read), then replace the scheduler
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> status(gw.http(), runId).getString("status").equals("scheduled"));
    stack.stopScheduler();
    stack.scheduler();

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> status(gw.http(), runId).getString("status").equals("succeeded"));
    startedOnTime(status(gw.http(), runId), runAt);
  }

  /**
   * A gateway started while the run waits knows it from the request alone: {@code scheduled} with
   * its time, then it runs.
   */
  @Test
  void aRunScheduledBeforeTheGatewayIsReplacedIsScheduledOnTheNewOneThenRuns() {
    var first = stack.gateway();
    stack.worker("w1");
    Instant runAt = Instant.now().plusSeconds(8).truncatedTo(ChronoUnit.SECONDS);
    String runId =
        predict(first.http(), new JsonObject().put("delayMins", 0).put("run_at", runAt.toString()));
    first.process().close().await();

    var second = stack.gateway();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> second.http().get(APP + "/runs/" + runId).status() == 200);
    JsonObject scheduled = status(second.http(), runId);
    assertEquals("scheduled", scheduled.getString("status"), scheduled::encode);
    assertEquals(runAt.toString(), scheduled.getString("scheduled_for"));
    assertEquals(1, second.http().get(APP + "/queue").json().getInteger("scheduled"));

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> status(second.http(), runId).getString("status").equals("succeeded"));
    JsonObject finished = status(second.http(), runId);
    startedOnTime(finished, runAt);
    assertEquals(runAt.toString(), finished.getString("scheduled_for"));
  }

  /** The scheduler holds the run, not a worker: the worker there at its time runs it. */
  @Test
  void aRunScheduledBeforeTheWorkerIsReplacedIsRunByTheNewOne() {
    var gw = stack.gateway();
    var first = stack.worker("w1");
    Instant runAt = Instant.now().plusSeconds(6).truncatedTo(ChronoUnit.SECONDS);
    String runId =
        predict(gw.http(), new JsonObject().put("delayMins", 0).put("run_at", runAt.toString()));
    first.process().close().await();
    stack.worker("w2");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> status(gw.http(), runId).getString("status").equals("succeeded"));
    Instant started = Instant.parse(status(gw.http(), runId).getString("started_at"));
    assertTrue(!started.isBefore(runAt), () -> "started at " + started + ", before " + runAt);
  }

  /** The webhook is the dispatcher's there at the run's end: it comes once. */
  @Test
  void aRunScheduledBeforeTheDispatcherIsReplacedGetsItsWebhookOnce() {
    var gw = stack.gateway();
    stack.worker("w1");
    WebhookReceiver receiver = stack.receiver();
    var firstDispatcher = stack.newProcess();
    firstDispatcher.deployVerticle(new DispatcherVerticle(stack.dispatcherConfig())).await();
    Instant runAt = Instant.now().plusSeconds(6).truncatedTo(ChronoUnit.SECONDS);
    String runId =
        predict(
            gw.http(),
            new JsonObject()
                .put("delayMins", 0)
                .put("run_at", runAt.toString())
                .put("webhook_endpoint", receiver.url()));
    firstDispatcher.close().await();
    stack.dispatcher();

    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.deliveriesFor(runId).size() == 1);
    assertEquals("succeeded", receiver.deliveriesFor(runId).get(0).body().getString("status"));
    startedOnTime(status(gw.http(), runId), runAt);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                "delivered"
                    .equals(status(gw.http(), runId).getJsonObject("webhook").getString("status")));
    // and no second copy follows
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(3))
        .until(() -> receiver.deliveriesFor(runId).size() == 1);
  }

  @Test
  void theQueueTimeToLiveCountsFromTheScheduledTime() {
    var gw = stack.gateway(Map.of("QUEUE_TTL", "2s"));
    // no worker: a scheduler alone, so a run once queued waits out its time-to-live
    stack.scheduler();
    stack.dispatcher();
    Instant accepted = Instant.now();
    String runId = predict(gw.http(), new JsonObject().put("delayMins", 0).put("delay_seconds", 3));

    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> status(gw.http(), runId).getString("status").equals("expired"));
    Instant expiredAt = Instant.parse(status(gw.http(), runId).getString("completed_at"));
    assertTrue(
        Duration.between(accepted, expiredAt).toMillis() >= 5_000,
        () -> "expired " + Duration.between(accepted, expiredAt) + " after it was accepted");
  }

  @Test
  void badScheduleFieldsAre400sNamingTheField() {
    var gw = stack.gateway(Map.of("MAX_SCHEDULE_AHEAD", "1h"));
    String now = Instant.now().toString();
    assertInvalid(gw.http(), "{\"run_at\": \"" + now + "\", \"delay_seconds\": 5}", "run_at");
    assertInvalid(gw.http(), "{\"delay_seconds\": 3601}", "delay_seconds");
    assertInvalid(gw.http(), "{\"delay_seconds\": -1}", "delay_seconds");
    assertInvalid(gw.http(), "{\"delay_seconds\": 1.5}", "delay_seconds");
    assertInvalid(gw.http(), "{\"run_at\": \"" + Instant.now().plusSeconds(7200) + "\"}", "run_at");
    assertInvalid(gw.http(), "{\"run_at\": \"2026-12-08 10:00\"}", "run_at");
    assertInvalid(gw.http(), "{\"run_at\": \"2026-12-08T10:00:00\"}", "run_at");
    assertInvalid(
        gw.http(), "{\"run_at\": \"" + Instant.now().minusSeconds(3600) + "\"}", "run_at");
  }

  private static void assertInvalid(TestHttp http, String fields, String field) {
    JsonObject body = new JsonObject(fields).put("delayMins", 0);
    var refused = http.post(APP + "/predict?async=true", body.encode());
    assertEquals(400, refused.status(), () -> fields + " answered " + refused.json());
    JsonObject error = refused.json().getJsonObject("error");
    assertEquals("invalid_field", error.getString("code"), fields);
    assertEquals(field, error.getString("field"), fields);
  }
}
