package dev.hookrun.common.run;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A predict request accepted by a gateway: the value of a record on the requests topic.
 *
 * @param input the request body minus the platform's own fields, passed to the model untouched
 * @param webhookEndpoint where the result goes, or null for a synchronous or polled run
 * @param expiresAt a run still queued at this time ends {@code expired} without running
 * @param webhookEvents the lifecycle events the webhook receives, null for the default (see {@link
 *     WebhookEvents})
 * @param executionTimeout the run is stopped (failed, {@code timeout}) after this long, if sooner
 *     than the worker's MAX_RUN_TIME; null: MAX_RUN_TIME
 * @param retryOf the run this one retries ({@code POST …/runs/{id}/retry}), or null
 * @param priority its place in the queue; never null (a record without it, written before the field
 *     existed, is {@link Priority#NORMAL})
 * @param scheduledFor the run waits, {@code scheduled}, until this time before it is queued; null
 *     for a run queued at once. Its queue time-to-live ({@code expiresAt}) counts from it.
 */
public record RunRequest(
    String runId,
    String project,
    String app,
    JsonObject input,
    String webhookEndpoint,
    Instant createdAt,
    Instant expiresAt,
    List<String> webhookEvents,
    Duration executionTimeout,
    String retryOf,
    Priority priority,
    Instant scheduledFor) {

  public RunRequest {
    if (priority == null) {
      priority = Priority.NORMAL;
    }
  }

  public RunRequest(
      String runId,
      String project,
      String app,
      JsonObject input,
      String webhookEndpoint,
      Instant createdAt,
      Instant expiresAt,
      List<String> webhookEvents,
      Duration executionTimeout,
      String retryOf,
      Priority priority) {
    this(
        runId,
        project,
        app,
        input,
        webhookEndpoint,
        createdAt,
        expiresAt,
        webhookEvents,
        executionTimeout,
        retryOf,
        priority,
        null);
  }

  public RunRequest(
      String runId,
      String project,
      String app,
      JsonObject input,
      String webhookEndpoint,
      Instant createdAt,
      Instant expiresAt,
      List<String> webhookEvents,
      Duration executionTimeout,
      String retryOf) {
    this(
        runId,
        project,
        app,
        input,
        webhookEndpoint,
        createdAt,
        expiresAt,
        webhookEvents,
        executionTimeout,
        retryOf,
        Priority.NORMAL);
  }

  public RunRequest(
      String runId,
      String project,
      String app,
      JsonObject input,
      String webhookEndpoint,
      Instant createdAt,
      Instant expiresAt) {
    this(runId, project, app, input, webhookEndpoint, createdAt, expiresAt, null, null, null);
  }

  /** When the run may first be queued: its scheduled time, or its creation. */
  public Instant dueAt() {
    return scheduledFor != null ? scheduledFor : createdAt;
  }

  /**
   * The same request again (input, webhook, events, limits, priority) under a new run id, made now
   * and queued at once (a scheduled run's retry does not wait for its time again): what a retry of
   * a finished run queues.
   */
  public RunRequest retriedAs(String newRunId, Instant now) {
    Instant expires =
        expiresAt == null || dueAt() == null
            ? null
            : now.plus(Duration.between(dueAt(), expiresAt));
    return new RunRequest(
        newRunId,
        project,
        app,
        input,
        webhookEndpoint,
        now,
        expires,
        webhookEvents,
        executionTimeout,
        runId,
        priority);
  }

  public JsonObject toJson() {
    JsonObject json =
        Json.run(runId, project, app)
            .put("input", input)
            .put("webhook_endpoint", webhookEndpoint)
            .put("created_at", Json.time(createdAt))
            .put("expires_at", Json.time(expiresAt))
            .put(WebhookEvents.FIELD, WebhookEvents.toJson(webhookEvents))
            .put(
                "execution_timeout_ms",
                executionTimeout == null ? null : executionTimeout.toMillis())
            .put("retry_of", retryOf)
            .put(Priority.FIELD, priority.wire());
    if (scheduledFor != null) {
      json.put("scheduled_for", Json.time(scheduledFor));
    }
    return json;
  }

  /**
   * @throws IllegalArgumentException (or a JSON exception) for a record that is not a request
   */
  public static RunRequest fromJson(JsonObject json) {
    return new RunRequest(
        Json.required(json, "run_id"),
        Json.required(json, "project"),
        Json.required(json, "app"),
        json.getJsonObject("input", new JsonObject()),
        json.getString("webhook_endpoint"),
        Json.time(json, "created_at"),
        Json.time(json, "expires_at"),
        WebhookEvents.fromJson(json.getJsonArray(WebhookEvents.FIELD)),
        json.getLong("execution_timeout_ms") == null
            ? null
            : Duration.ofMillis(json.getLong("execution_timeout_ms")),
        json.getString("retry_of"),
        priorityOf(json.getValue(Priority.FIELD)),
        Json.time(json, "scheduled_for"));
  }

  /**
   * A record's priority: {@link Priority#NORMAL} when it has none (written before the field
   * existed) or one this version does not know (written by a newer one), so it still runs.
   */
  private static Priority priorityOf(Object value) {
    return value instanceof String wire
        ? Priority.fromWire(wire).orElse(Priority.NORMAL)
        : Priority.NORMAL;
  }
}
