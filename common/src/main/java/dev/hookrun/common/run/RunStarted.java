package dev.hookrun.common.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * A worker began a run: the value of a {@code running} record on the results topic. Written only
 * for runs that last longer than a moment (short ones go straight to their outcome).
 */
public record RunStarted(
    String runId,
    String project,
    String app,
    Instant createdAt,
    Instant startedAt,
    String workerId,
    String webhookEndpoint,
    List<String> webhookEvents) {

  public static RunStarted of(RunRequest request, String workerId, Instant startedAt) {
    return new RunStarted(
        request.runId(),
        request.project(),
        request.app(),
        request.createdAt(),
        startedAt,
        workerId,
        request.webhookEndpoint(),
        request.webhookEvents());
  }

  /** The {@code start} webhook's body. */
  public JsonObject webhookBody() {
    return Json.webhook(WebhookEvents.START, runId, app, RunStatus.RUNNING)
        .put("started_at", Json.time(startedAt));
  }

  public JsonObject toJson() {
    return Json.run(runId, project, app)
        .put("created_at", Json.time(createdAt))
        .put("started_at", Json.time(startedAt))
        .put("worker_id", workerId)
        .put("webhook_endpoint", webhookEndpoint)
        .put(WebhookEvents.FIELD, WebhookEvents.toJson(webhookEvents));
  }

  public static RunStarted fromJson(JsonObject json) {
    return new RunStarted(
        Json.required(json, "run_id"),
        Json.required(json, "project"),
        Json.required(json, "app"),
        Json.time(json, "created_at"),
        Json.time(json, "started_at"),
        json.getString("worker_id"),
        json.getString("webhook_endpoint"),
        WebhookEvents.fromJson(json.getJsonArray(WebhookEvents.FIELD)));
  }
}
