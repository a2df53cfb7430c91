package dev.hookrun.common.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * The final outcome of a run: the value of a record on the results topic, produced by the worker
 * that ran it and consumed by the webhook dispatchers.
 *
 * <p>A result larger than RESULT_INLINE_MAX is not in {@code result} (null) but in the result
 * store, and {@code stored} says where.
 */
public record RunResult(
    String runId,
    String project,
    String app,
    RunStatus status,
    Object result,
    RunError error,
    long runTimeMs,
    Instant createdAt,
    Instant startedAt,
    Instant completedAt,
    String webhookEndpoint,
    String workerId,
    List<String> webhookEvents,
    String retryOf,
    StoredResult stored) {

  public RunResult(
      String runId,
      String project,
      String app,
      RunStatus status,
      Object result,
      RunError error,
      long runTimeMs,
      Instant createdAt,
      Instant startedAt,
      Instant completedAt,
      String webhookEndpoint,
      String workerId) {
    this(
        runId,
        project,
        app,
        status,
        result,
        error,
        runTimeMs,
        createdAt,
        startedAt,
        completedAt,
        webhookEndpoint,
        workerId,
        null,
        null,
        null);
  }

  public RunResult(
      String runId,
      String project,
      String app,
      RunStatus status,
      Object result,
      RunError error,
      long runTimeMs,
      Instant createdAt,
      Instant startedAt,
      Instant completedAt,
      String webhookEndpoint,
      String workerId,
      List<String> webhookEvents,
      String retryOf) {
    this(
        runId,
        project,
        app,
        status,
        result,
        error,
        runTimeMs,
        createdAt,
        startedAt,
        completedAt,
        webhookEndpoint,
        workerId,
        webhookEvents,
        retryOf,
        null);
  }

  /** This outcome with its result moved to the store: {@code result} null, {@code stored} set. */
  public RunResult withStored(StoredResult where) {
    return new RunResult(
        runId,
        project,
        app,
        status,
        null,
        error,
        runTimeMs,
        createdAt,
        startedAt,
        completedAt,
        webhookEndpoint,
        workerId,
        webhookEvents,
        retryOf,
        where);
  }

  public RunResult {
    if (!status.isFinal()) {
      throw new IllegalArgumentException("a result needs a final status, not " + status);
    }
  }

  public static RunResult of(
      RunRequest request,
      RunStatus status,
      Object result,
      RunError error,
      Instant startedAt,
      Instant completedAt,
      String workerId) {
    long runTime =
        startedAt == null ? 0 : Math.max(0, completedAt.toEpochMilli() - startedAt.toEpochMilli());
    return new RunResult(
        request.runId(),
        request.project(),
        request.app(),
        status,
        result,
        error,
        runTime,
        request.createdAt(),
        startedAt,
        completedAt,
        request.webhookEndpoint(),
        workerId,
        request.webhookEvents(),
        request.retryOf());
  }

  public JsonObject toJson() {
    return putOutcome(Json.run(runId, project, app, status))
        .put("started_at", Json.time(startedAt))
        .put("completed_at", Json.time(completedAt))
        .put("webhook_endpoint", webhookEndpoint)
        .put("worker_id", workerId)
        .put(WebhookEvents.FIELD, WebhookEvents.toJson(webhookEvents))
        .put("retry_of", retryOf)
        .put("stored_result", stored == null ? null : stored.toJson());
  }

  public static RunResult fromJson(JsonObject json) {
    return new RunResult(
        Json.required(json, "run_id"),
        Json.required(json, "project"),
        Json.required(json, "app"),
        RunStatus.fromWire(Json.required(json, "status")),
        json.getValue("result"),
        RunError.fromJson(json.getJsonObject("error")),
        json.getLong("run_time_ms", 0L),
        Json.time(json, "created_at"),
        Json.time(json, "started_at"),
        Json.time(json, "completed_at"),
        json.getString("webhook_endpoint"),
        json.getString("worker_id"),
        WebhookEvents.fromJson(json.getJsonArray(WebhookEvents.FIELD)),
        json.getString("retry_of"),
        StoredResult.fromJson(json.getJsonObject("stored_result")));
  }

  /** The body POSTed to the user's webhook: what DESIGN §1 promises receivers. */
  public JsonObject webhookBody() {
    if (BatchCompletion.is(this)) {
      return BatchCompletion.webhookBody(this);
    }
    JsonObject body =
        putOutcome(Json.webhook(WebhookEvents.COMPLETED, runId, app, status))
            .put("completed_at", Json.time(completedAt));
    if (stored != null) {
      stored.putDescription(body); // result_url is added by the dispatcher, signed per attempt
    }
    return retryOf == null ? body : body.put("retry_of", retryOf);
  }

  /** What the run came to, as both the outcome record and the webhook body say it. */
  private JsonObject putOutcome(JsonObject json) {
    return json.put("result", result)
        .put("error", Json.error(error))
        .put("run_time_ms", runTimeMs)
        .put("created_at", Json.time(createdAt));
  }
}
