package dev.hookrun.common.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * A batch whose items have all ended, as the outcome record a gateway writes to the results topic
 * (keyed by batch id, {@link RunHeaders#KIND_BATCH}). It travels as a {@link RunResult} so the
 * dispatchers deliver it like a run's outcome — signed, retried, dead-lettered, and once per key
 * (their ledger) however many gateways wrote it — and its filter, {@code batch.completed}, makes
 * its webhook body the batch's instead of a run's.
 */
public final class BatchCompletion {

  private BatchCompletion() {}

  /** The outcome record of batch {@code batchId}; {@code counts} is its items by final status. */
  public static RunResult of(
      String batchId,
      String project,
      String app,
      JsonObject counts,
      String webhookEndpoint,
      Instant createdAt,
      Instant completedAt) {
    return new RunResult(
        batchId,
        project,
        app,
        RunStatus.SUCCEEDED,
        counts,
        null,
        0,
        createdAt,
        null,
        completedAt,
        webhookEndpoint,
        null,
        List.of(WebhookEvents.BATCH_COMPLETED),
        null);
  }

  public static boolean is(RunResult result) {
    return result.webhookEvents() != null
        && result.webhookEvents().contains(WebhookEvents.BATCH_COMPLETED);
  }

  /** {@code {"event":"batch.completed","batch_id","app","counts","completed_at"}}. */
  static JsonObject webhookBody(RunResult result) {
    return new JsonObject()
        .put("event", WebhookEvents.BATCH_COMPLETED)
        .put("batch_id", result.runId())
        .put("app", result.app())
        .put("counts", result.result())
        .put("completed_at", Json.time(result.completedAt()));
  }
}
