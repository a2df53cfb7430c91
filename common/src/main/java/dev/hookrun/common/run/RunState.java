package dev.hookrun.common.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The full state of one run: the value of a record on the compacted run-state topic (key =
 * run_id). Every stage publishes the whole state it knows at each change, so the latest record
 * of a key is enough to answer {@code GET …/runs/{id}} after compaction.
 *
 * @param source which stage wrote it: {@code gateway}, {@code worker} or {@code dispatcher}
 */
public record RunState(
    String runId,
    String project,
    String app,
    RunStatus status,
    Instant createdAt,
    Instant startedAt,
    Instant completedAt,
    Long runTimeMs,
    String workerId,
    Object result,
    RunError error,
    WebhookState webhook,
    String source,
    Instant updatedAt) {

  public static RunState queued(RunRequest request, Instant now) {
    return new RunState(request.runId(), request.project(), request.app(), RunStatus.QUEUED,
        request.createdAt(), null, null, null, null, null, null, initialWebhook(request.webhookEndpoint()),
        "gateway", now);
  }

  public static RunState running(RunRequest request, String workerId, Instant startedAt) {
    return new RunState(request.runId(), request.project(), request.app(), RunStatus.RUNNING,
        request.createdAt(), startedAt, null, null, workerId, null, null,
        initialWebhook(request.webhookEndpoint()), "worker", startedAt);
  }

  /** A final state from the worker that produced {@code result}. */
  public static RunState finished(RunResult result, Instant now) {
    return new RunState(result.runId(), result.project(), result.app(), result.status(),
        result.createdAt(), result.startedAt(), result.completedAt(), result.runTimeMs(),
        result.workerId(), result.result(), result.error(), initialWebhook(result.webhookEndpoint()),
        "worker", now);
  }

  /** A final state decided by a gateway (a cancel of a run no worker had started). */
  public static RunState cancelledByGateway(RunState queued, Instant now) {
    return new RunState(queued.runId, queued.project, queued.app, RunStatus.CANCELLED, queued.createdAt,
        null, now, 0L, null, null, null, queued.webhook, "gateway", now);
  }

  public RunState withWebhook(WebhookState state, String bySource, Instant now) {
    return new RunState(runId, project, app, status, createdAt, startedAt, completedAt, runTimeMs,
        workerId, result, error, state, bySource, now);
  }

  private static WebhookState initialWebhook(String endpoint) {
    return endpoint == null ? WebhookState.none() : WebhookState.pending(endpoint);
  }

  /**
   * Combines what a reader knew with a newer record of the same run. Records come from several
   * stages (and, after a worker was replaced, from more than one worker), so the latest record is
   * not always the most advanced: a final state is never replaced by a non-final one, a worker's
   * outcome replaces a gateway's cancel (the run had already finished), and webhook progress
   * only moves forward.
   */
  public static RunState merge(RunState current, RunState incoming) {
    if (current == null) {
      return incoming;
    }
    RunState run = current;
    if (!current.status.isFinal()) {
      if (incoming.status.isFinal() || incoming.status.ordinal() >= current.status.ordinal()) {
        run = incoming;
      }
    } else if (incoming.status.isFinal() && current.workerId == null && incoming.workerId != null) {
      run = incoming;
    }
    WebhookState webhook = current.webhook;
    if (incoming.webhook != null && (webhook == null || incoming.webhook.progress() >= webhook.progress())) {
      webhook = incoming.webhook;
    }
    return run.withWebhook(webhook, run.source, incoming.updatedAt);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("run_id", runId)
        .put("project", project)
        .put("app", app)
        .put("status", status.wire())
        .put("created_at", Json.time(createdAt))
        .put("started_at", Json.time(startedAt))
        .put("completed_at", Json.time(completedAt))
        .put("run_time_ms", runTimeMs)
        .put("worker_id", workerId)
        .put("result", result)
        .put("error", error == null ? null : error.toJson())
        .put("webhook", webhook == null ? null : webhook.toJson())
        .put("source", source)
        .put("updated_at", Json.time(updatedAt));
  }

  public static RunState fromJson(JsonObject json) {
    Object runTime = json.getValue("run_time_ms");
    return new RunState(
        Json.required(json, "run_id"),
        Json.required(json, "project"),
        Json.required(json, "app"),
        RunStatus.fromWire(Json.required(json, "status")),
        Json.time(json, "created_at"),
        Json.time(json, "started_at"),
        Json.time(json, "completed_at"),
        runTime == null ? null : ((Number) runTime).longValue(),
        json.getString("worker_id"),
        json.getValue("result"),
        RunError.fromJson(json.getJsonObject("error")),
        WebhookState.fromJson(json.getJsonObject("webhook")),
        json.getString("source"),
        Json.time(json, "updated_at"));
  }
}
