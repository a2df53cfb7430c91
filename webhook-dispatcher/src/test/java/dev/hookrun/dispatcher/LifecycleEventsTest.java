package dev.hookrun.dispatcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.common.run.RunProgress;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunStarted;
import dev.hookrun.common.run.WebhookEvents;
import dev.hookrun.dispatcher.ScriptedReceiver.Reply;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Start and progress webhooks: in order, signed, best effort, never after the completed one. */
class LifecycleEventsTest {

  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final DispatcherHarness h = new DispatcherHarness("events");
  private ScriptedReceiver receiver = new ScriptedReceiver(h.vertx);

  @AfterEach
  void tearDown() {
    receiver.close();
    h.close();
  }

  private static RunResult outcome(String runId, String endpoint, List<String> filter) {
    RunResult r = DispatcherHarness.result(runId, "p-1", endpoint);
    return new RunResult(
        r.runId(),
        r.project(),
        r.app(),
        r.status(),
        r.result(),
        r.error(),
        r.runTimeMs(),
        r.createdAt(),
        r.startedAt(),
        r.completedAt(),
        r.webhookEndpoint(),
        r.workerId(),
        filter,
        null);
  }

  private void started(String runId, String endpoint, List<String> filter) {
    Instant now = Instant.now();
    h.publishEvent(
        runId,
        RunHeaders.KIND_RUNNING,
        new RunStarted(runId, "p-1", "webhook-delay-example", now, now, "w1", endpoint, filter)
            .toJson());
  }

  private void progress(String runId, String endpoint, List<String> filter, long seq) {
    h.publishEvent(
        runId,
        RunHeaders.KIND_PROGRESS,
        new RunProgress(
                runId,
                "p-1",
                "webhook-delay-example",
                seq,
                new JsonObject().put("percent", seq * 10),
                Instant.now(),
                endpoint,
                filter)
            .toJson());
  }

  @Test
  void startProgressAndCompletedArriveInOrderAndSigned() throws Exception {
    h.deploy(h.config("100ms").withSecrets(Map.of("p-1", SECRET)));
    String run = "run-" + UUID.randomUUID();
    List<String> all = WebhookEvents.ALL;
    started(run, receiver.url(), all);
    await().atMost(WAIT).until(() -> receiver.requestsFor(run).size() == 1);
    for (long seq = 1; seq <= 2; seq++) {
      progress(run, receiver.url(), all, seq);
      long n = seq + 1;
      await().atMost(WAIT).until(() -> receiver.requestsFor(run).size() == n);
    }
    h.publish(outcome(run, receiver.url(), all));
    await().atMost(WAIT).until(() -> receiver.requestsFor(run).size() == 4);

    var requests = receiver.requestsFor(run);
    assertEquals(
        List.of("start", "progress", "progress", "completed"),
        requests.stream().map(r -> r.json().getString("event")).toList());
    assertEquals(
        List.of(run + ".start", run + ".progress.1", run + ".progress.2", run),
        requests.stream().map(r -> r.headers().get("webhook-id")).toList());
    assertEquals("running", requests.get(0).json().getString("status"));
    assertEquals(20, requests.get(2).json().getJsonObject("progress").getInteger("percent"));
    assertEquals(2, requests.get(2).json().getInteger("progress_seq"));
    for (var request : requests) {
      assertTrue(
          StandardWebhooksVerifier.verify(
              SECRET,
              request.headers().get("webhook-id"),
              request.headers().get("webhook-timestamp"),
              request.rawBody(),
              request.headers().get("webhook-signature"),
              Instant.now().getEpochSecond()),
          "every event is signed: " + request.headers().get("webhook-id"));
    }
  }

  @Test
  void theDefaultFilterSendsOnlyTheCompletedEvent() {
    h.deploy(h.config("100ms"));
    String run = "run-" + UUID.randomUUID();
    started(run, receiver.url(), null);
    progress(run, receiver.url(), null, 1);
    h.publish(outcome(run, receiver.url(), null));
    await().atMost(WAIT).until(() -> receiver.requestsFor(run).size() == 1);
    assertEquals("completed", receiver.requestsFor(run).get(0).json().getString("event"));
    // a later run on the same receiver proves nothing else of the first was still coming
    String next =
        h.publish(DispatcherHarness.result("run-" + UUID.randomUUID(), "p-1", receiver.url()));
    await().atMost(WAIT).until(() -> receiver.requestsFor(next).size() == 1);
    assertEquals(1, receiver.requestsFor(run).size());
  }

  @Test
  void aReceiverFailingEveryProgressEventStillGetsTheCompletedEventOnceAndOnTime() {
    h.deploy(h.config("100ms"));
    receiver.answerByBody(body -> Reply.of("progress".equals(body.getString("event")) ? 500 : 200));
    String run = "run-" + UUID.randomUUID();
    List<String> filter = List.of(WebhookEvents.PROGRESS, WebhookEvents.COMPLETED);
    for (long seq = 1; seq <= 3; seq++) {
      progress(run, receiver.url(), filter, seq);
    }
    long published = System.currentTimeMillis();
    h.publish(outcome(run, receiver.url(), filter));
    await()
        .atMost(WAIT)
        .until(
            () ->
                receiver.requestsFor(run).stream()
                    .anyMatch(r -> "completed".equals(r.json().getString("event"))));
    String next =
        h.publish(DispatcherHarness.result("run-" + UUID.randomUUID(), "p-1", receiver.url()));
    await().atMost(WAIT).until(() -> receiver.requestsFor(next).size() == 1);

    var requests = receiver.requestsFor(run);
    var events = requests.stream().map(r -> r.json().getString("event")).toList();
    assertEquals(
        1,
        events.stream().filter("completed"::equals).count(),
        () -> "the completed event once: " + events);
    assertEquals(
        "completed",
        events.get(events.size() - 1),
        () -> "nothing after the completed event: " + events);
    var completed = requests.get(requests.size() - 1);
    assertTrue(
        completed.atMillis() - published < 2 * LifecycleEvents.ATTEMPT_TIMEOUT.toMillis() + 5_000,
        "the completed event was not held up by the failing progress events");
    assertTrue(
        events.size() - 1 <= 3L * LifecycleEvents.ATTEMPTS,
        () -> "a few quick attempts at most: " + events);
  }

  @Test
  void aReceiverDownDuringProgressGetsNoProgressRetriesLater() {
    h.deploy(h.config("100ms"));
    int port = receiver.port();
    String url = receiver.url();
    receiver.close(); // down: connections are refused
    String run = "run-" + UUID.randomUUID();
    List<String> filter = WebhookEvents.ALL;
    started(run, url, filter);
    progress(run, url, filter, 1);
    progress(run, url, filter, 2);
    String probe = "run-" + UUID.randomUUID();
    h.publish(
        DispatcherHarness.result(probe, "p-1", "http://127.0.0.1:1/never")); // a marker behind them
    await().atMost(WAIT).until(() -> h.dispatcherState(probe).isPresent());
    receiver = new ScriptedReceiver(h.vertx, port);
    h.publish(outcome(run, url, filter));
    await().atMost(WAIT).until(() -> !receiver.requestsFor(run).isEmpty());
    String next = h.publish(DispatcherHarness.result("run-" + UUID.randomUUID(), "p-1", url));
    await().atMost(WAIT).until(() -> receiver.requestsFor(next).size() == 1);
    assertEquals(
        List.of("completed"),
        receiver.requestsFor(run).stream().map(r -> r.json().getString("event")).toList(),
        "events missed while the receiver was down are never sent later");
  }
}
