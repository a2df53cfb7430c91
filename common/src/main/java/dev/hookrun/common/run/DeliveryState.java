package dev.hookrun.common.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Where one run's webhook delivery stands: the value of a record on the compacted deliveries topic
 * (key = run id), written only by dispatchers, one record per step (attempt, retry scheduled, dead
 * letter, replay). The dispatchers' ledger and every gateway's view read it.
 *
 * <p>It carries the run's identity and final status (the dispatcher delivers only final runs),
 * never its result: the result is the worker's outcome record, written once.
 */
public record DeliveryState(
    String runId,
    String project,
    String app,
    RunStatus status,
    Instant createdAt,
    WebhookState webhook,
    Instant updatedAt) {

  public static DeliveryState of(RunResult result, WebhookState webhook, Instant now) {
    return new DeliveryState(
        result.runId(),
        result.project(),
        result.app(),
        result.status(),
        result.createdAt(),
        webhook,
        now);
  }

  public JsonObject toJson() {
    return Json.run(runId, project, app, status)
        .put("created_at", Json.time(createdAt))
        .put("webhook", webhook.toJson())
        .put("source", "dispatcher")
        .put("updated_at", Json.time(updatedAt));
  }

  public static DeliveryState fromJson(JsonObject json) {
    WebhookState webhook = WebhookState.fromJson(json.getJsonObject("webhook"));
    if (webhook == null) {
      throw new IllegalArgumentException("missing webhook");
    }
    return new DeliveryState(
        Json.required(json, "run_id"),
        Json.required(json, "project"),
        Json.required(json, "app"),
        RunStatus.fromWire(Json.required(json, "status")),
        Json.time(json, "created_at"),
        webhook,
        Json.time(json, "updated_at"));
  }
}
