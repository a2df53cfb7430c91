package dev.hookrun.local;

import static dev.hookrun.local.TestStack.PROJECT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.testkit.TestHttp;
import dev.hookrun.testkit.TopicReader;
import dev.hookrun.testkit.WebhookReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The complete run API (status, sync, cancel, idempotency, limits) for one gateway or many. */
class RunApiTest {

  private static final String PREDICT = "/v3/" + PROJECT + "/webhook-delay-example/predict";

  private TestStack stack;
  private Vertx receiverProcess;
  private WebhookReceiver receiver;

  @BeforeEach
  void setUp() {
    stack = new TestStack();
    receiverProcess = Vertx.vertx();
    receiver = new WebhookReceiver(receiverProcess);
  }

  @AfterEach
  void tearDown() {
    stack.close();
    receiverProcess.close().await();
  }

  private static String runPath(String runId) {
    return "/v3/" + PROJECT + "/webhook-delay-example/runs/" + runId;
  }

  private static JsonObject status(TestHttp http, String runId) {
    var response = http.get(runPath(runId));
    assertEquals(200, response.status(), () -> "status answered " + response.json());
    return response.json();
  }

  private static String statusOf(TestHttp http, String runId) {
    var response = http.get(runPath(runId));
    return response.status() == 200
        ? response.json().getString("status")
        : "http-" + response.status();
  }

  @Test
  void aSyncPredictAnswersWithTheResult() {
    var gw = stack.gateway();
    stack.worker("w1");
    var response = gw.http().post(PREDICT, "{\"delayMins\": 0, \"prompt\": \"hi\"}");
    assertEquals(200, response.status(), () -> "answered " + response.json());
    assertEquals("succeeded", response.json().getString("status"));
    assertEquals(0, response.json().getJsonObject("result").getInteger("delayMins"));
    assertNotNull(response.json().getString("run_id"));
    assertNotNull(response.json().getLong("run_time_ms"));
  }

  @Test
  void aSyncPredictPastTheCapAnswers202AndTheRunGoesOn() {
    var gw = stack.gateway(Map.of("SYNC_TIMEOUT", "1s"));
    stack.worker("w1");
    var response = gw.http().post(PREDICT, "{\"delayMins\": 0.05}"); // 3 s
    assertEquals(202, response.status());
    String runId = response.json().getString("run_id");
    assertEquals(runPath(runId), response.json().getString("status_url"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> statusOf(gw.http(), runId).equals("succeeded"));
    JsonObject run = status(gw.http(), runId);
    assertTrue(run.getLong("run_time_ms") >= 2_900);
    assertEquals("none", run.getJsonObject("webhook").getString("status"));
  }

  @Test
  void asyncTrueAnswersAtOnceAndStatusShowsTheLifecycle() {
    var gw = stack.gateway();
    stack.worker("w1");
    var response = gw.http().post(PREDICT + "?async=true", "{\"delayMins\": 0.03}");
    assertEquals(202, response.status());
    String runId = response.json().getString("run_id");
    assertTrue(Map.of("queued", 1, "running", 1).containsKey(statusOf(gw.http(), runId)));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> statusOf(gw.http(), runId).equals("running"));
    assertNotNull(status(gw.http(), runId).getString("started_at"));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> statusOf(gw.http(), runId).equals("succeeded"));
    JsonObject run = status(gw.http(), runId);
    assertEquals(0.03, run.getJsonObject("result").getDouble("delayMins"));
    assertNull(run.getValue("error"));
    assertNotNull(run.getString("completed_at"));
  }

  @Test
  void statusIs404ForUnknownRunsAndRunsOfAnotherProject() {
    var gw = stack.gateway();
    assertEquals(404, gw.http().get(runPath("no-such-run")).status());
    String runId =
        gw.http().post(PREDICT + "?async=true", "{\"delayMins\": 1}").json().getString("run_id");
    var other = new TestHttp(gw.verticle().actualPort(), TestStack.OTHER_KEY);
    assertEquals(
        404,
        other
            .get("/v3/" + TestStack.OTHER_PROJECT + "/webhook-delay-example/runs/" + runId)
            .status());
    assertEquals(403, other.get(runPath(runId)).status());
    assertEquals(404, gw.http().get("/v3/" + PROJECT + "/cpu-burn-example/runs/" + runId).status());
  }

  @Test
  void aRunAcceptedByOneGatewayIsReadAndWaitedForOnAnother() {
    var a = stack.gateway();
    var b = stack.gateway();
    stack.worker("w1");
    var accepted =
        a.http()
            .post(
                PREDICT + "?async=true",
                "{\"delayMins\": 0.03}",
                Map.of("Idempotency-Key", "order-42"));
    String runId = accepted.json().getString("run_id");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> b.http().get(runPath(runId)).status() == 200);
    // a synchronous retry with the same key on the other gateway waits for that same run
    var sync =
        b.http().post(PREDICT, "{\"delayMins\": 0.03}", Map.of("Idempotency-Key", "order-42"));
    assertEquals(200, sync.status(), () -> "answered " + sync.json());
    assertEquals(runId, sync.json().getString("run_id"));
    assertEquals("succeeded", sync.json().getString("status"));
    assertEquals(
        1,
        TopicReader.valuesFor(
                stack.kafka.bootstrapServers(), stack.kafka.topics().requests(), runId)
            .size(),
        "the second call must not queue a second run");
  }

  @Test
  void theSameIdempotencyKeyNeverStartsASecondRun() {
    var gw = stack.gateway();
    stack.worker("w1");
    stack.dispatcher();
    Map<String, String> headers =
        Map.of(
            "Authorization",
            TestStack.KEY,
            "Content-Type",
            "application/json",
            "Idempotency-Key",
            "same-key");
    String body =
        new JsonObject().put("delayMins", 0).put("webhook_endpoint", receiver.url()).encode();
    var first = gw.http().send("POST", PREDICT, headers, body);
    var second = gw.http().send("POST", PREDICT, headers, body);
    assertEquals(202, first.status());
    assertEquals(202, second.status());
    String runId = first.json().getString("run_id");
    assertEquals(runId, second.json().getString("run_id"));
    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.deliveriesFor(runId).size() == 1);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> receiver.deliveriesFor(runId).size() == 1);
    // another project's identical key is another run
    var other =
        new TestHttp(gw.verticle().actualPort(), TestStack.OTHER_KEY)
            .send(
                "POST",
                "/v3/" + TestStack.OTHER_PROJECT + "/webhook-delay-example/predict",
                Map.of(
                    "Authorization",
                    TestStack.OTHER_KEY,
                    "Content-Type",
                    "application/json",
                    "Idempotency-Key",
                    "same-key"),
                body);
    assertTrue(!runId.equals(other.json().getString("run_id")));
  }

  @Test
  void aQueuedRunCancelledNeverStartsAndItsWebhookSaysCancelled() {
    var gw = stack.gateway();
    stack.dispatcher();
    String runId =
        gw.http()
            .post(
                PREDICT,
                new JsonObject()
                    .put("delayMins", 0)
                    .put("webhook_endpoint", receiver.url())
                    .encode())
            .json()
            .getString("run_id");
    var cancel = gw.http().post(runPath(runId) + "/cancel", "");
    assertEquals(200, cancel.status(), () -> "answered " + cancel.json());
    assertEquals("cancelled", cancel.json().getString("status"));

    stack.worker("w1"); // only now does a worker take the request off the queue
    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.deliveriesFor(runId).size() == 1);
    JsonObject webhook = receiver.deliveriesFor(runId).get(0).body();
    assertEquals("cancelled", webhook.getString("status"));
    var outcomes =
        TopicReader.valuesFor(
            stack.kafka.bootstrapServers(), stack.kafka.topics().results(), runId);
    assertEquals(1, outcomes.size());
    assertNull(outcomes.get(0).getString("started_at"), "a cancelled queued run never starts");
    assertEquals(409, gw.http().post(runPath(runId) + "/cancel", "").status());
  }

  @Test
  void aRunningRunCancelledStopsAndItsWebhookSaysCancelled() {
    var gw = stack.gateway();
    var worker = stack.worker("w1");
    stack.dispatcher();
    String runId =
        gw.http()
            .post(
                PREDICT,
                new JsonObject()
                    .put("delayMins", 10)
                    .put("webhook_endpoint", receiver.url())
                    .encode())
            .json()
            .getString("run_id");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> statusOf(gw.http(), runId).equals("running"));

    var cancel = gw.http().post(runPath(runId) + "/cancel", "");
    assertTrue(cancel.status() == 200 || cancel.status() == 202);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> statusOf(gw.http(), runId).equals("cancelled"));
    await().atMost(Duration.ofSeconds(20)).until(() -> receiver.deliveriesFor(runId).size() == 1);
    JsonObject webhook = receiver.deliveriesFor(runId).get(0).body();
    assertEquals("cancelled", webhook.getString("status"));
    assertTrue(webhook.getLong("run_time_ms") < 60_000);
    await().atMost(Duration.ofSeconds(5)).until(() -> worker.verticle().inFlight() == 0);
  }

  @Test
  void cancelOfAnUnknownRunIs404() {
    var gw = stack.gateway();
    assertEquals(404, gw.http().post(runPath("nope") + "/cancel", "").status());
  }

  @Test
  void overTheUnfinishedRunLimitIs429WithRetryAfter() {
    var gw = stack.gateway(Map.of("MAX_QUEUED_PER_PROJECT", "2"));
    assertEquals(202, gw.http().post(PREDICT + "?async=true", "{\"delayMins\": 1}").status());
    assertEquals(202, gw.http().post(PREDICT + "?async=true", "{\"delayMins\": 1}").status());
    var refused = gw.http().post(PREDICT + "?async=true", "{\"delayMins\": 1}");
    assertEquals(429, refused.status());
    assertEquals("too_many_runs", refused.json().getJsonObject("error").getString("code"));
    var raw =
        gw.http()
            .sendRaw(
                "POST",
                PREDICT + "?async=true",
                Map.of("Authorization", TestStack.KEY, "Content-Type", "application/json"),
                "{\"delayMins\": 1}");
    assertEquals("10", raw.headers().firstValue("Retry-After").orElse(null));
  }

  @Test
  void aRestartedGatewayStillAnswersForRunsAcceptedBefore() {
    var first = stack.gateway();
    String runId =
        first.http().post(PREDICT + "?async=true", "{\"delayMins\": 5}").json().getString("run_id");
    first.process().close().await();

    var second = stack.gateway();
    JsonObject run = status(second.http(), runId);
    assertEquals("queued", run.getString("status"));
  }
}
