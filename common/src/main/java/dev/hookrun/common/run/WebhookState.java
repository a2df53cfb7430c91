package dev.hookrun.common.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Where a run's webhook delivery stands, as {@code GET …/runs/{id}} shows it.
 *
 * @param status {@code none} (no webhook), {@code pending}, {@code delivered} or {@code failed}
 * @param lastStatusCode the receiver's last HTTP status, null when none answered
 * @param nextAttemptAt when the next retry is due, null when none is planned
 */
public record WebhookState(
    String endpoint,
    String status,
    int attempts,
    Integer lastStatusCode,
    Instant nextAttemptAt,
    String lastError,
    Long latencyMs) {

  public WebhookState(
      String endpoint,
      String status,
      int attempts,
      Integer lastStatusCode,
      Instant nextAttemptAt,
      String lastError) {
    this(endpoint, status, attempts, lastStatusCode, nextAttemptAt, lastError, null);
  }

  public static final String NONE = "none";
  public static final String PENDING = "pending";
  public static final String DELIVERED = "delivered";
  public static final String FAILED = "failed";

  public static WebhookState none() {
    return new WebhookState(null, NONE, 0, null, null, null);
  }

  public static WebhookState pending(String endpoint) {
    return new WebhookState(endpoint, PENDING, 0, null, null, null);
  }

  public boolean isTerminal() {
    return status.equals(DELIVERED) || status.equals(FAILED) || status.equals(NONE);
  }

  /**
   * Orders delivery progress: more attempts outrank fewer, and at equal attempts an outcome
   * outranks a pending retry. A replayed dead letter keeps counting attempts, so its retries
   * outrank the earlier {@code failed}.
   */
  public long progress() {
    boolean outcome = status.equals(DELIVERED) || status.equals(FAILED);
    return attempts * 2L + (outcome ? 1 : 0);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("endpoint", endpoint)
        .put("status", status)
        .put("attempts", attempts)
        .put("last_status_code", lastStatusCode)
        .put("next_attempt_at", Json.time(nextAttemptAt))
        .put("last_error", lastError)
        .put("latency_ms", latencyMs);
  }

  public static WebhookState fromJson(JsonObject json) {
    if (json == null) {
      return null;
    }
    return new WebhookState(
        json.getString("endpoint"),
        json.getString("status", NONE),
        json.getInteger("attempts", 0),
        json.getInteger("last_status_code"),
        Json.time(json, "next_attempt_at"),
        json.getString("last_error"),
        json.getLong("latency_ms"));
  }
}
