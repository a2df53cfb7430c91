package dev.hookrun.dispatcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.delivery.DeadLetter;
import dev.hookrun.common.delivery.DeadLetterHeaders;
import dev.hookrun.common.delivery.DeadLetterTopic;
import dev.hookrun.common.run.DeliveryState;
import dev.hookrun.common.run.WebhookState;
import dev.hookrun.dispatcher.ScriptedReceiver.Reply;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Delivery on a real broker to real HTTP receivers on 127.0.0.1. */
class WebhookDeliveryTest {

  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String NEW = "whsec_cm90YXRlZC1zZWNyZXQtb2YtdGhpcnR5LXR3by1ieXQ=";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final DispatcherHarness h = new DispatcherHarness("delivery");
  private final ScriptedReceiver receiver = new ScriptedReceiver(h.vertx);

  @AfterEach
  void tearDown() {
    h.close();
  }

  private DeliveryState stateOf(String runId) {
    return h.dispatcherState(runId).orElseThrow();
  }

  @Test
  void webhooksCarryStandardWebhooksHeadersThatAnIndependentVerifierAccepts() throws Exception {
    h.deploy(h.config("100ms,200ms").withSecrets(Map.of("p-signed", SECRET)));
    String runId = h.publish("p-signed", receiver.url());

    await().atMost(WAIT).until(() -> receiver.requestsFor(runId).size() == 1);
    ScriptedReceiver.Request request = receiver.requestsFor(runId).get(0);
    assertEquals(runId, request.headers().get("webhook-id"));
    long timestamp = Long.parseLong(request.headers().get("webhook-timestamp"));
    assertTrue(
        Math.abs(System.currentTimeMillis() / 1000 - timestamp) < 60,
        "a current unix timestamp in seconds");
    assertTrue(request.headers().get("webhook-signature").startsWith("v1,"));
    assertTrue(
        StandardWebhooksVerifier.verify(
            SECRET,
            request.headers().get("webhook-id"),
            request.headers().get("webhook-timestamp"),
            request.rawBody(),
            request.headers().get("webhook-signature"),
            System.currentTimeMillis() / 1000),
        "the signature verifies over the raw body");
    assertEquals("application/json", request.headers().get("content-type"));
    assertEquals(runId, request.json().getString("run_id"));
    assertEquals("succeeded", request.json().getString("status"));
    assertEquals("/hook", request.uri());
  }

  @Test
  void duringARotationEachWebhookIsSignedWithEverySecretSoReceiversOfEitherAcceptIt()
      throws Exception {
    h.deploy(h.config("100ms,200ms").withRotatingSecrets(Map.of("p-rot", List.of(NEW, SECRET))));
    String runId = h.publish("p-rot", receiver.url());

    await().atMost(WAIT).until(() -> receiver.requestsFor(runId).size() == 1);
    ScriptedReceiver.Request request = receiver.requestsFor(runId).get(0);
    String header = request.headers().get("webhook-signature");
    String[] signatures = header.split(" ");
    assertEquals(2, signatures.length, header);
    for (String secret : List.of(NEW, SECRET)) {
      assertTrue(
          StandardWebhooksVerifier.verify(
              secret,
              request.headers().get("webhook-id"),
              request.headers().get("webhook-timestamp"),
              request.rawBody(),
              header,
              System.currentTimeMillis() / 1000),
          "a receiver that knows only one of the secrets accepts the webhook");
    }
    assertTrue(
        StandardWebhooksVerifier.verify(
            NEW,
            request.headers().get("webhook-id"),
            request.headers().get("webhook-timestamp"),
            request.rawBody(),
            signatures[0],
            System.currentTimeMillis() / 1000),
        "the newest secret's signature comes first");
  }

  @Test
  void aProjectWithoutASecretGetsUnsignedWebhooksWithIdAndTimestamp() {
    h.deploy(h.config("100ms,200ms").withSecrets(Map.of("p-other", SECRET)));
    String runId = h.publish("p-unsigned", receiver.url());
    await().atMost(WAIT).until(() -> receiver.requestsFor(runId).size() == 1);
    var headers = receiver.requestsFor(runId).get(0).headers();
    assertEquals(runId, headers.get("webhook-id"));
    assertNotNull(headers.get("webhook-timestamp"));
    assertNull(headers.get("webhook-signature"));
  }

  @Test
  void fiveHundredThenFiveOhThreeThenTwoHundredIsThreeAttemptsWithOneWebhookId() throws Exception {
    receiver.answer(
        (run, attempt) ->
            Reply.of(
                switch (attempt) {
                  case 1 -> 500;
                  case 2 -> 503;
                  default -> 200;
                }));
    DispatcherVerticle dispatcher =
        h.deploy(h.config("100ms,200ms").withSecrets(Map.of("p-1", SECRET)));
    String runId = h.publish("p-1", receiver.url());

    await()
        .atMost(WAIT)
        .until(() -> stateOf(runId).webhook().status().equals(WebhookState.DELIVERED));
    List<ScriptedReceiver.Request> attempts = receiver.requestsFor(runId);
    assertEquals(3, attempts.size());
    for (ScriptedReceiver.Request attempt : attempts) {
      assertEquals(runId, attempt.headers().get("webhook-id"), "the idempotency key never changes");
      assertTrue(
          StandardWebhooksVerifier.verify(
              SECRET,
              attempt.headers().get("webhook-id"),
              attempt.headers().get("webhook-timestamp"),
              attempt.rawBody(),
              attempt.headers().get("webhook-signature"),
              System.currentTimeMillis() / 1000),
          "each attempt is signed afresh");
    }
    assertTrue(
        attempts.get(1).atMillis() - attempts.get(0).atMillis() >= 80,
        "retry 1 waited ~100 ms (-20 %)");
    assertTrue(
        attempts.get(2).atMillis() - attempts.get(1).atMillis() >= 160,
        "retry 2 waited ~200 ms (-20 %)");

    WebhookState delivered = stateOf(runId).webhook();
    assertEquals(3, delivered.attempts());
    assertEquals(200, delivered.lastStatusCode());
    assertNull(delivered.nextAttemptAt());
    assertEquals(receiver.url(), delivered.endpoint());
    // the states on the way: pending after each failure, with the receiver's status and the next
    // attempt time
    List<WebhookState> pending =
        h.dispatcherStates(runId).stream()
            .map(DeliveryState::webhook)
            .filter(w -> w.status().equals(WebhookState.PENDING))
            .toList();
    assertEquals(List.of(500, 503), pending.stream().map(WebhookState::lastStatusCode).toList());
    pending.forEach(w -> assertNotNull(w.nextAttemptAt()));
    assertEquals(1, dispatcher.metrics().delivered());
    assertEquals(2, dispatcher.metrics().retriesScheduled());
  }

  @Test
  void fourTenStopsAtOnceAndTheDeliveryIsFailed() {
    receiver.answer((run, attempt) -> Reply.of(410));
    DispatcherVerticle dispatcher = h.deploy(h.config("100ms,200ms"));
    String runId = h.publish("p-1", receiver.url());

    h.awaitWebhook(runId, WebhookState.FAILED, WAIT);
    WebhookState failed = stateOf(runId).webhook();
    assertEquals(1, failed.attempts());
    assertEquals(410, failed.lastStatusCode());
    assertTrue(failed.lastError().contains("410"));
    var dead = h.deadLetterRecords(runId);
    assertEquals(1, dead.size());
    assertEquals(
        DeadLetterHeaders.GONE, DispatcherHarness.header(dead.get(0), DeadLetterHeaders.REASON));
    // and it is not tried again, however long we look
    await()
        .during(Duration.ofMillis(800))
        .atMost(Duration.ofSeconds(5))
        .until(() -> receiver.requestsFor(runId).size() == 1);
    assertEquals(1, dispatcher.metrics().gone());
  }

  @Test
  void aRedirectIsAFailedAttemptAndIsNotFollowed() {
    ScriptedReceiver elsewhere = new ScriptedReceiver(h.vertx);
    receiver.answer(
        (run, attempt) ->
            attempt == 1 ? new Reply(302, Map.of("Location", elsewhere.url())) : Reply.of(204));
    h.deploy(h.config("100ms,200ms"));
    String runId = h.publish("p-1", receiver.url());

    h.awaitWebhook(runId, WebhookState.DELIVERED, WAIT);
    assertEquals(2, receiver.requestsFor(runId).size());
    assertEquals(0, elsewhere.requests().size(), "the Location was never visited");
    WebhookState pending = h.dispatcherStates(runId).get(0).webhook();
    assertEquals(302, pending.lastStatusCode());
    assertTrue(pending.lastError().contains("redirects are not followed"), pending.lastError());
  }

  @Test
  void retryAfterStretchesTheDelayUpToTwiceThePlannedOne() {
    // planned 500 ms ±20 %: the receiver asks for 1 s, which lies within [delay, 2 × delay]
    receiver.answer(
        (run, attempt) ->
            attempt == 1 ? new Reply(429, Map.of("Retry-After", "1")) : Reply.of(200));
    h.deploy(h.config("500ms"));
    String asked = h.publish("p-1", receiver.url());
    await().atMost(WAIT).until(() -> receiver.requestsFor(asked).size() == 2);
    var a = receiver.requestsFor(asked);
    long gap = a.get(1).atMillis() - a.get(0).atMillis();
    assertTrue(
        gap >= 780, "Retry-After: 1 moved the retry from ~500 ms to at least 800 ms, was " + gap);

    // asking for an hour gets at most twice the planned delay (≤ 1.2 s here)
    ScriptedReceiver greedy =
        new ScriptedReceiver(h.vertx)
            .answer(
                (run, attempt) ->
                    attempt == 1 ? new Reply(503, Map.of("Retry-After", "3600")) : Reply.of(200));
    String capped = h.publish("p-1", greedy.url());
    await().atMost(WAIT).until(() -> greedy.requestsFor(capped).size() == 2);
    var g = greedy.requestsFor(capped);
    long cappedGap = g.get(1).atMillis() - g.get(0).atMillis();
    assertTrue(
        cappedGap < 5_000, "an hour's Retry-After is capped at twice the delay, was " + cappedGap);
    WebhookState pending = h.dispatcherStates(capped).get(0).webhook();
    long planned = Duration.between(java.time.Instant.now(), pending.nextAttemptAt()).toMillis();
    assertTrue(planned < 1_300, "next_attempt_at at most 2 × 600 ms after the failure");
  }

  @Test
  void aReceiverThatIsDownThroughEveryTierEndsInTheDeadLettersAndReplayDeliversIt()
      throws Exception {
    ScriptedReceiver placeholder = new ScriptedReceiver(h.vertx);
    int port = placeholder.port();
    String url = placeholder.url();
    placeholder.close(); // nothing listens there now: every attempt is refused

    DispatcherVerticle dispatcher = h.deploy(h.config("100ms,200ms"));
    String runId = h.publish("p-1", url);

    h.awaitWebhook(runId, WebhookState.FAILED, WAIT);
    WebhookState failed = stateOf(runId).webhook();
    assertEquals(3, failed.attempts(), "the first attempt and two retries");
    assertNull(failed.lastStatusCode());
    var dead = h.deadLetterRecords(runId);
    assertEquals(1, dead.size());
    var record = dead.get(0);
    assertEquals(
        DeadLetterHeaders.EXHAUSTED, DispatcherHarness.header(record, DeadLetterHeaders.REASON));
    assertEquals("3", DispatcherHarness.header(record, DeadLetterHeaders.ATTEMPTS));
    assertEquals("none", DispatcherHarness.header(record, DeadLetterHeaders.LAST_STATUS));
    assertNotNull(DispatcherHarness.header(record, DeadLetterHeaders.LAST_ERROR));
    assertEquals(
        h.kafka.topics().results(), DispatcherHarness.header(record, DeadLetterHeaders.TOPIC));
    assertNotNull(DispatcherHarness.header(record, DeadLetterHeaders.PARTITION));
    assertEquals("0", DispatcherHarness.header(record, DeadLetterHeaders.OFFSET));
    assertEquals(1, dispatcher.metrics().deadLettered());

    try (DeadLetterTopic deadLetters = new DeadLetterTopic(h.kafka)) {
      List<DeadLetter> listed = deadLetters.list();
      assertEquals(1, listed.size());
      DeadLetter letter = listed.get(0);
      assertEquals(runId, letter.runId());
      assertEquals("exhausted", letter.reason());
      assertEquals(3, letter.attempts());
      assertEquals(url, letter.endpoint());
      assertNotNull(letter.delivery().firstFailure());

      ScriptedReceiver back = new ScriptedReceiver(h.vertx, port); // the receiver is up again
      assertTrue(deadLetters.replay(runId));

      await().atMost(WAIT).until(() -> back.requestsFor(runId).size() == 1);
      assertEquals(
          runId,
          back.requestsFor(runId).get(0).headers().get("webhook-id"),
          "same idempotency key after replay");
      await()
          .atMost(WAIT)
          .until(() -> stateOf(runId).webhook().status().equals(WebhookState.DELIVERED));
      assertEquals(4, stateOf(runId).webhook().attempts(), "attempts count across the replay");
      assertEquals(List.of(), deadLetters.list(), "a replayed dead letter leaves the list");
      assertTrue(!deadLetters.replay(runId), "nothing left to replay");
    }
  }

  @Test
  void replayAllStartsAFreshScheduleForEveryDeadLetter() {
    receiver.answer((run, attempt) -> Reply.of(attempt <= 2 ? 500 : 200));
    h.deploy(h.config("100ms"));
    String a = h.publish("p-1", receiver.url());
    String b = h.publish("p-2", receiver.url());
    await()
        .atMost(WAIT)
        .until(() -> h.deadLetterRecords(a).size() == 1 && h.deadLetterRecords(b).size() == 1);

    try (DeadLetterTopic deadLetters = new DeadLetterTopic(h.kafka)) {
      assertEquals(2, deadLetters.list().size());
      assertEquals(2, deadLetters.replayAll().size());
      await()
          .atMost(WAIT)
          .until(() -> receiver.requestsFor(a).size() == 3 && receiver.requestsFor(b).size() == 3);
      await().atMost(WAIT).until(() -> deadLetters.list().isEmpty());
    }
  }

  @Test
  void aSecondResultForADeliveredRunIsNotDeliveredAgainEvenAfterARestart() {
    DispatcherVerticle first = h.deploy(h.config("100ms,200ms"));
    var result =
        DispatcherHarness.result("run-dup-" + java.util.UUID.randomUUID(), "p-1", receiver.url());
    h.publish(result);
    await()
        .atMost(WAIT)
        .until(
            () ->
                h.dispatcherState(result.runId())
                    .map(s -> s.webhook().status().equals(WebhookState.DELIVERED))
                    .orElse(false));

    h.publish(result); // a worker re-ran it
    await().atMost(WAIT).until(() -> first.metrics().duplicatesSkipped() == 1);
    assertEquals(1, receiver.requestsFor(result.runId()).size());

    // a new dispatcher process learns what was delivered from the deliveries topic
    h.vertx.undeploy(h.vertx.deploymentIDs().iterator().next()).await();
    DispatcherVerticle second = h.deploy(h.config("100ms,200ms"));
    h.publish(result);
    await().atMost(WAIT).until(() -> second.metrics().duplicatesSkipped() == 1);
    assertEquals(1, receiver.requestsFor(result.runId()).size());
    assertEquals(0, second.metrics().attempts());
  }

  /**
   * A host whose only slot is held by a slow request sheds the deliveries behind it. Those are
   * deferred, not failed: shed more often than their two attempts would allow, they are still
   * delivered once the host frees up, each with one real request and one attempt on record.
   */
  @Test
  void deliveriesShedBecauseTheirHostIsBusyDoNotSpendAttempts() {
    Promise<Void> release = Promise.promise();
    AtomicReference<String> held = new AtomicReference<>();
    Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    HttpServer slow =
        h.vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              String runId = new JsonObject(body.toString()).getString("run_id");
                              received
                                  .computeIfAbsent(runId, r -> new AtomicInteger())
                                  .incrementAndGet();
                              if (held.compareAndSet(null, runId)) {
                                release
                                    .future()
                                    .onComplete(
                                        v ->
                                            req.response()
                                                .setStatusCode(200)
                                                .end()); // holds the host's one slot
                              } else {
                                req.response().setStatusCode(200).end();
                              }
                            }))
            .listen(0, "127.0.0.1")
            .await();
    try {
      // one slot per host, judged stuck after 300 ms; one retry, so two attempts in all
      DispatcherVerticle dispatcher =
          h.deploy(h.config("300ms").withLimits(100, 1, Duration.ofMillis(300)));
      String url = "http://127.0.0.1:" + slow.actualPort() + "/hook";
      String first = h.publish("p-1", url);
      await().atMost(WAIT).until(() -> first.equals(held.get()));
      List<String> behind = List.of(h.publish("p-1", url), h.publish("p-1", url));

      await().atMost(WAIT).until(() -> dispatcher.metrics().deferred() >= 6);
      for (String runId : behind) {
        WebhookState waiting = stateOf(runId).webhook();
        assertEquals(WebhookState.PENDING, waiting.status());
        assertEquals(0, waiting.attempts(), "shedding spent no attempt");
        assertTrue(waiting.lastError().startsWith("host busy"), waiting.lastError());
        assertNotNull(waiting.nextAttemptAt());
      }
      release.complete();

      for (String runId : behind) {
        await()
            .atMost(WAIT)
            .until(() -> stateOf(runId).webhook().status().equals(WebhookState.DELIVERED));
        assertEquals(1, stateOf(runId).webhook().attempts());
        assertEquals(1, received.get(runId).get());
        assertEquals(List.of(), h.deadLetterRecords(runId));
      }
      await()
          .atMost(WAIT)
          .until(() -> stateOf(first).webhook().status().equals(WebhookState.DELIVERED));
      assertEquals(0, dispatcher.metrics().deadLettered());
    } finally {
      slow.close().await();
    }
  }
}
