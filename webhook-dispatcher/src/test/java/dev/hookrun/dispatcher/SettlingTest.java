package dev.hookrun.dispatcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.delivery.DeadLetterHeaders;
import dev.hookrun.common.delivery.DeliveryRecord;
import dev.hookrun.common.kafka.PlatformTopics;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.metrics.ServiceMetrics;
import dev.hookrun.common.run.DeliveryState;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.WebhookState;
import dev.hookrun.dispatcher.ScriptedReceiver.Reply;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A delivery the dispatcher cannot make, or cannot keep in Kafka, is settled with a reason (dead
 * letter, run state {@code failed}, a metric) and never holds up the deliveries behind it.
 */
class SettlingTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final DispatcherHarness h = new DispatcherHarness("settling");
  private final ScriptedReceiver receiver = new ScriptedReceiver(h.vertx);

  @AfterEach
  void tearDown() {
    h.close();
  }

  private boolean webhookStatusIs(String runId, String status) {
    return h.dispatcherState(runId).map(s -> s.webhook().status().equals(status)).orElse(false);
  }

  private static double deadLetterMetric(String reason) {
    var counter =
        ServiceMetrics.registry()
            .find("hookrun.webhook.dead.letters")
            .tag("reason", reason)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  /**
   * The URL of the issue: port 99999. The attempt used to throw before its host slot was released
   * and the offset finished, so the webhook stayed pending and the partition stalled.
   */
  @Test
  void aWebhookWithAnUnconnectableAddressIsDeadLetteredAndThePartitionMovesOn() {
    DispatcherVerticle dispatcher = h.deploy(h.config("100ms,200ms"));
    double before = deadLetterMetric(DeadLetterHeaders.INVALID_ENDPOINT);
    RunResult bad =
        DispatcherHarness.result("run-bad-" + UUID.randomUUID(), "p-1", "http://localhost:99999/h");
    RunResult good =
        DispatcherHarness.result("run-good-" + UUID.randomUUID(), "p-1", receiver.url());
    h.publishAll(List.of(bad, good), 0); // one partition: the good one waits behind the bad one

    await().atMost(WAIT).until(() -> webhookStatusIs(bad.runId(), WebhookState.FAILED));
    WebhookState failed = h.dispatcherState(bad.runId()).orElseThrow().webhook();
    assertTrue(failed.lastError().contains("port"), failed.lastError());
    var dead = h.deadLetterRecords(bad.runId());
    assertEquals(1, dead.size());
    var letter = dead.get(0);
    assertEquals(
        DeadLetterHeaders.INVALID_ENDPOINT,
        DispatcherHarness.header(letter, DeadLetterHeaders.REASON));
    assertEquals("none", DispatcherHarness.header(letter, DeadLetterHeaders.LAST_STATUS));
    assertNotNull(DispatcherHarness.header(letter, DeadLetterHeaders.LAST_ERROR));
    assertEquals(
        h.kafka.topics().results(), DispatcherHarness.header(letter, DeadLetterHeaders.TOPIC));
    assertEquals("0", DispatcherHarness.header(letter, DeadLetterHeaders.PARTITION));
    assertEquals("0", DispatcherHarness.header(letter, DeadLetterHeaders.OFFSET));

    await().atMost(WAIT).until(() -> webhookStatusIs(good.runId(), WebhookState.DELIVERED));
    await().atMost(WAIT).until(() -> h.committedOffset(0) == 2);
    assertEquals(1, dispatcher.metrics().deadLettered(DeadLetterHeaders.INVALID_ENDPOINT));
    assertEquals(before + 1, deadLetterMetric(DeadLetterHeaders.INVALID_ENDPOINT));
  }

  /**
   * A result that fits the results topic but not a retry tier (which wraps it with its history) or
   * the dead-letter topic: the send is refused for good, so it is not retried; the delivery is
   * dead-lettered as {@code record_too_large} with its result replaced by a reference to the
   * results record, the run shows {@code failed}, and the partition moves on.
   */
  @Test
  void aDeliveryTooLargeForTheRetryTierIsDeadLetteredTrimmedNotRetriedForever() throws Exception {
    int limit = 4_096;
    var kafka = h.kafka;
    TopicInitializer.ensureBlocking(
        kafka,
        List.of(
            PlatformTopics.retryTier(kafka, 1)
                .withConfig("max.message.bytes", Integer.toString(limit)),
            PlatformTopics.deadLetters(kafka)
                .withConfig("max.message.bytes", Integer.toString(limit))));
    receiver.answer((run, attempt) -> Reply.of(run.startsWith("run-big-") ? 500 : 200));
    DispatcherVerticle dispatcher = h.deploy(h.config("100ms"));

    RunResult small =
        DispatcherHarness.result("run-big-" + UUID.randomUUID(), "p-1", receiver.url());
    RunResult big =
        new RunResult(
            small.runId(),
            small.project(),
            small.app(),
            small.status(),
            new JsonObject().put("text", "x".repeat(3 * limit)),
            null,
            small.runTimeMs(),
            small.createdAt(),
            small.startedAt(),
            small.completedAt(),
            small.webhookEndpoint(),
            small.workerId());
    RunResult after =
        DispatcherHarness.result("run-after-" + UUID.randomUUID(), "p-1", receiver.url());
    h.publishAll(List.of(big, after), 0);

    await().atMost(WAIT).until(() -> webhookStatusIs(big.runId(), WebhookState.FAILED));
    DeliveryState state = h.dispatcherState(big.runId()).orElseThrow();
    assertTrue(
        state.webhook().lastError().startsWith(DeadLetterHeaders.RECORD_TOO_LARGE),
        state.webhook().lastError());
    assertEquals(1, state.webhook().attempts());
    // what users see of the result comes from the worker's outcome record, which the dispatcher
    // never rewrites: trimming a retry or dead-letter record cannot shorten it
    assertEquals(
        1,
        receiver.requestsFor(big.runId()).size(),
        "one real attempt, no retry of the refused write");

    var dead = h.deadLetterRecords(big.runId());
    assertEquals(1, dead.size());
    var letter = dead.get(0);
    assertEquals(
        DeadLetterHeaders.RECORD_TOO_LARGE,
        DispatcherHarness.header(letter, DeadLetterHeaders.REASON));
    assertEquals("true", DispatcherHarness.header(letter, DeadLetterHeaders.RESULT_TRUNCATED));
    DeliveryRecord trimmed = DeliveryRecord.fromJson(new JsonObject(letter.value()));
    assertTrue(trimmed.resultTruncated());
    JsonObject reference = (JsonObject) trimmed.result().result();
    assertEquals(0, reference.getJsonObject("origin").getInteger("partition"));
    assertEquals(0L, reference.getJsonObject("origin").getLong("offset"));
    assertTrue(letter.value().length() < limit);

    await().atMost(WAIT).until(() -> webhookStatusIs(after.runId(), WebhookState.DELIVERED));
    await().atMost(WAIT).until(() -> h.committedOffset(0) == 2);
    assertEquals(1, dispatcher.metrics().deadLettered(DeadLetterHeaders.RECORD_TOO_LARGE));
  }

  /**
   * A dispatcher killed between writing a delivery's next retry record and committing the one it
   * came from leaves two records of the run, both due after the restart. They used to be attempted
   * side by side, sending the webhook twice; the second now waits out as a duplicate while the
   * first carries the delivery on.
   */
  @Test
  void twoDueRecordsOfOneRunLeftByACrashAreAttemptedOnce() throws Exception {
    receiver.answer((run, attempt) -> Reply.of(200));
    DispatcherVerticle dispatcher = h.deploy(h.config("100ms,200ms"));
    RunResult result =
        DispatcherHarness.result("run-twice-" + UUID.randomUUID(), "p-1", receiver.url());
    var origin = new DeliveryRecord.Origin(h.kafka.topics().results(), 0, 0);
    String value =
        DeliveryRecord.first(result, origin, java.time.Instant.now())
            .failedAttempt(
                new DeliveryRecord.Failure(java.time.Instant.now(), 503, "HTTP 503"),
                1,
                java.time.Instant.now())
            .toJson()
            .encode();
    try (var producer =
        new org.apache.kafka.clients.producer.KafkaProducer<String, String>(
            dev.hookrun.common.kafka.KafkaClientProperties.asObjects(
                dev.hookrun.common.kafka.KafkaClientProperties.producer(
                    h.kafka, "test-tier", Duration.ofSeconds(20))))) {
      for (int copy = 0; copy < 2; copy++) {
        producer.send(
            new org.apache.kafka.clients.producer.ProducerRecord<>(
                h.kafka.topics().retryTier(1), 0, result.runId(), value));
      }
      producer.flush();
    }

    await().atMost(WAIT).until(() -> webhookStatusIs(result.runId(), WebhookState.DELIVERED));
    await()
        .during(Duration.ofMillis(500))
        .atMost(WAIT)
        .until(() -> receiver.requestsFor(result.runId()).size() == 1);
    assertEquals(1, dispatcher.metrics().duplicatesSkipped());
  }
}
