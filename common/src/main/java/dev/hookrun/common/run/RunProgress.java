package dev.hookrun.common.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * A model reported progress: the value of a {@code progress} record on the results topic. The
 * worker writes at most one per run per PROGRESS_MIN_INTERVAL (the newest report in between wins),
 * numbered 1, 2, 3, … per run.
 */
public record RunProgress(
    String runId,
    String project,
    String app,
    long seq,
    JsonObject progress,
    Instant at,
    String webhookEndpoint,
    List<String> webhookEvents) {

  public JsonObject toJson() {
    return Json.run(runId, project, app)
        .put("progress_seq", seq)
        .put("progress", progress)
        .put("progress_updated_at", Json.time(at))
        .put("webhook_endpoint", webhookEndpoint)
        .put(WebhookEvents.FIELD, WebhookEvents.toJson(webhookEvents));
  }

  public static RunProgress fromJson(JsonObject json) {
    return new RunProgress(
        Json.required(json, "run_id"),
        Json.required(json, "project"),
        Json.required(json, "app"),
        json.getLong("progress_seq", 0L),
        json.getJsonObject("progress"),
        Json.time(json, "progress_updated_at"),
        json.getString("webhook_endpoint"),
        WebhookEvents.fromJson(json.getJsonArray(WebhookEvents.FIELD)));
  }

  /** The {@code progress} webhook's body. */
  public JsonObject webhookBody() {
    return Json.webhook(WebhookEvents.PROGRESS, runId, app, RunStatus.RUNNING)
        .put("progress", progress)
        .put("progress_seq", seq)
        .put("progress_updated_at", Json.time(at));
  }
}
