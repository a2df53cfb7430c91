package dev.hookrun.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hookrun.common.delivery.DeadLetterHeaders;
import dev.hookrun.common.delivery.DeliveryRecord;
import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.ops.model.RecordView;
import dev.hookrun.ops.model.TraceEntry;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ops trace} reads retry-tier and dead-letter records by the names the dispatcher writes:
 * the {@link DeliveryRecord} value and the {@link DeadLetterHeaders}.
 */
class TraceDescriberTest {

  private static final Topics TOPICS = new Topics("hookrun.");
  private static final TraceDescriber DESCRIBER = new TraceDescriber(new TopicCatalog(TOPICS));
  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  private static final RunResult RESULT =
      RunResult.fromJson(
          new JsonObject()
              .put("run_id", "run-1")
              .put("project", "p")
              .put("app", "webhook-delay-example")
              .put("status", "succeeded")
              .put("created_at", T0.toString())
              .put("webhook_endpoint", "https://example.com/h")
              .put("worker_id", "w-7"));

  private static TraceEntry describe(
      String topic, DeliveryRecord delivery, Map<String, String> headers) {
    String shortName = topic.substring(TOPICS.prefix().length());
    return DESCRIBER.describe(
        new RecordView(topic, shortName, 0, 0, T0, "run-1", headers, delivery.toJson().encode()));
  }

  @Test
  void aRetryTierRecordShowsItsAttemptsDueTimeAndLastAnswer() {
    var failure = new DeliveryRecord.Failure(T0, 503, "HTTP 503");
    var delivery =
        new DeliveryRecord(RESULT, 2, 2, T0.plusSeconds(300), failure, failure, null, false);
    TraceEntry entry = describe(TOPICS.retryTier(2), delivery, Map.of());
    assertEquals(
        "delivery failed, queued for retry-2 (attempt 2, due 2026-11-28T10:05:00Z, last HTTP 503, error: HTTP 503)",
        entry.event());
    assertEquals("w-7", entry.worker());
  }

  @Test
  void aRetryAfterNoAnswerSaysSo() {
    var failure = new DeliveryRecord.Failure(T0, null, "connection refused");
    var delivery =
        new DeliveryRecord(RESULT, 1, 1, T0.plusSeconds(5), failure, failure, null, false);
    assertEquals(
        "delivery failed, queued for retry-1 (attempt 1, due 2026-11-28T10:00:05Z, last HTTP none, error: connection refused)",
        describe(TOPICS.retryTier(1), delivery, Map.of()).event());
  }

  @Test
  void aDeadLetterShowsItsReasonAttemptsAndLastStatusAndError() {
    var failure = new DeliveryRecord.Failure(T0, 500, "HTTP 500");
    var delivery = new DeliveryRecord(RESULT, 7, 8, T0, failure, failure, null, false);
    TraceEntry entry =
        describe(
            TOPICS.deadLetters(),
            delivery,
            Map.of(
                DeadLetterHeaders.REASON, DeadLetterHeaders.EXHAUSTED,
                DeadLetterHeaders.ATTEMPTS, "8",
                DeadLetterHeaders.LAST_STATUS, "500",
                DeadLetterHeaders.LAST_ERROR, "HTTP 500 Internal Server Error"));
    assertEquals(
        "dead-lettered: exhausted (attempt 8, last HTTP 500, error: HTTP 500 Internal Server Error)",
        entry.event());
    assertEquals("w-7", entry.worker());
  }
}
