package dev.hookrun.common.delivery;

import dev.hookrun.common.run.RunResult;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A delivery between attempts: the JSON value of a record on a retry tier or the dead-letter topic
 * (key = run id). It carries the whole result, so a delivery never needs the results topic again,
 * and its history, so the dead letter says what went wrong first and last.
 *
 * @param retry the retry this record waits for, from 1; 0 for a first attempt (a new result, or a
 *     replayed dead letter starting a fresh schedule)
 * @param attempts attempts made so far, over every schedule (replays add to it)
 * @param dueAt not to be attempted before this
 * @param origin where the result was first read: the results record this delivery came from
 * @param resultTruncated the result was replaced by a reference to {@code origin} because the whole
 *     delivery did not fit its topic; such a delivery cannot be attempted again
 * @param redeliveryRequestedAt when an operator asked for this run's webhook once more although it
 *     was delivered; null for an ordinary delivery. Such a delivery passes the delivered check
 *     unless the run was delivered again since then (so a copy of it is not sent twice)
 */
public record DeliveryRecord(
    RunResult result,
    int retry,
    int attempts,
    Instant dueAt,
    Failure firstFailure,
    Failure lastFailure,
    Origin origin,
    boolean resultTruncated,
    Instant redeliveryRequestedAt) {

  public DeliveryRecord(
      RunResult result,
      int retry,
      int attempts,
      Instant dueAt,
      Failure firstFailure,
      Failure lastFailure,
      Origin origin,
      boolean resultTruncated) {
    this(result, retry, attempts, dueAt, firstFailure, lastFailure, origin, resultTruncated, null);
  }

  /**
   * One failed attempt: its time, the receiver's status (null: no answer), the error and how long
   * it took (null: not measured, or never sent).
   */
  public record Failure(Instant at, Integer statusCode, String error, Long latencyMs) {
    public Failure(Instant at, Integer statusCode, String error) {
      this(at, statusCode, error, null);
    }

    public JsonObject toJson() {
      return new JsonObject()
          .put("at", at.toString())
          .put("status_code", statusCode)
          .put("error", error)
          .put("latency_ms", latencyMs);
    }

    public static Failure fromJson(JsonObject json) {
      return json == null
          ? null
          : new Failure(
              Instant.parse(json.getString("at")),
              json.getInteger("status_code"),
              json.getString("error"),
              json.getLong("latency_ms"));
    }
  }

  public record Origin(String topic, int partition, long offset) {
    public JsonObject toJson() {
      return new JsonObject().put("topic", topic).put("partition", partition).put("offset", offset);
    }

    public static Origin fromJson(JsonObject json) {
      return json == null
          ? null
          : new Origin(
              json.getString("topic"), json.getInteger("partition"), json.getLong("offset"));
    }
  }

  public static DeliveryRecord first(RunResult result, Origin origin, Instant now) {
    return new DeliveryRecord(result, 0, 0, now, null, null, origin, false);
  }

  public String runId() {
    return result.runId();
  }

  /**
   * The Standard Webhooks message id: the run id, the same for every attempt and every replay, so a
   * receiver can drop a delivery it has already processed.
   */
  public String webhookId() {
    return result.runId();
  }

  /** This delivery after a failed attempt, due for retry {@code nextRetry} at {@code dueAt}. */
  public DeliveryRecord failedAttempt(Failure failure, int nextRetry, Instant due) {
    return new DeliveryRecord(
        result,
        nextRetry,
        attempts + 1,
        due,
        firstFailure == null ? failure : firstFailure,
        failure,
        origin,
        resultTruncated,
        redeliveryRequestedAt);
  }

  /**
   * This delivery, not attempted (its host was busy), due again at {@code dueAt}; attempts
   * unchanged.
   */
  public DeliveryRecord deferred(Instant due) {
    return new DeliveryRecord(
        result,
        retry,
        attempts,
        due,
        firstFailure,
        lastFailure,
        origin,
        resultTruncated,
        redeliveryRequestedAt);
  }

  /**
   * An operator's redelivery of a run whose webhook was delivered: a fresh schedule, attempted at
   * once, flagged so the delivered check lets it through this once.
   */
  public static DeliveryRecord redelivery(RunResult result, Origin origin, Instant now) {
    return new DeliveryRecord(result, 0, 0, now, null, null, origin, false, now);
  }

  public boolean redelivery() {
    return redeliveryRequestedAt != null;
  }

  /** Back into delivery with a fresh schedule: attempted at once, history kept. */
  public DeliveryRecord replayed(Instant now) {
    return new DeliveryRecord(
        result,
        0,
        attempts,
        now,
        firstFailure,
        lastFailure,
        origin,
        resultTruncated,
        redeliveryRequestedAt);
  }

  /**
   * This delivery with the model's output replaced by a small reference to where the whole result
   * still is (the results record it came from), for a topic that refused the whole.
   */
  public DeliveryRecord truncated(int resultBytes) {
    JsonObject reference =
        new JsonObject()
            .put("result_truncated", true)
            .put("result_bytes", resultBytes)
            .put("origin", origin == null ? null : origin.toJson());
    RunResult small =
        new RunResult(
            result.runId(),
            result.project(),
            result.app(),
            result.status(),
            reference,
            result.error(),
            result.runTimeMs(),
            result.createdAt(),
            result.startedAt(),
            result.completedAt(),
            result.webhookEndpoint(),
            result.workerId());
    return new DeliveryRecord(
        small,
        retry,
        attempts,
        dueAt,
        firstFailure,
        lastFailure,
        origin,
        true,
        redeliveryRequestedAt);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("result", result.toJson())
        .put("retry", retry)
        .put("attempts", attempts)
        .put("due_at", dueAt.toString())
        .put("first_failure", firstFailure == null ? null : firstFailure.toJson())
        .put("last_failure", lastFailure == null ? null : lastFailure.toJson())
        .put("origin", origin == null ? null : origin.toJson())
        .put("result_truncated", resultTruncated)
        .put(
            "redelivery_requested_at",
            redeliveryRequestedAt == null ? null : redeliveryRequestedAt.toString());
  }

  /**
   * @throws RuntimeException for a value that is not a delivery record
   */
  public static DeliveryRecord fromJson(JsonObject json) {
    return new DeliveryRecord(
        RunResult.fromJson(json.getJsonObject("result")),
        json.getInteger("retry", 0),
        json.getInteger("attempts", 0),
        Instant.parse(json.getString("due_at")),
        Failure.fromJson(json.getJsonObject("first_failure")),
        Failure.fromJson(json.getJsonObject("last_failure")),
        Origin.fromJson(json.getJsonObject("origin")),
        json.getBoolean("result_truncated", false),
        json.getString("redelivery_requested_at") == null
            ? null
            : Instant.parse(json.getString("redelivery_requested_at")));
  }
}
