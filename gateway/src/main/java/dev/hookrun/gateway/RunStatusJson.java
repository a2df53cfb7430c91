package dev.hookrun.gateway;

import dev.hookrun.common.run.Priority;
import dev.hookrun.common.run.RunStatus;
import dev.hookrun.common.run.WebhookState;
import io.vertx.core.json.JsonObject;

/** The public shape of a run (DESIGN §1): what {@code GET …/runs/{id}} and sync answers show. */
final class RunStatusJson {

  private RunStatusJson() {}

  static String statusUrl(RunState state) {
    return "/v3/" + state.project() + "/" + state.app() + "/runs/" + state.runId();
  }

  static JsonObject full(RunState state) {
    return full(state, (RunStateView.Progress) null);
  }

  /** The run as {@code GET …/runs/{id}} shows it, with what the view knows beside its state. */
  static JsonObject full(RunState state, RunStateView view) {
    JsonObject json = full(state, view.progressOf(state.runId()));
    String retryOf = view.retryOf(state.runId());
    String retriedAs = view.retriedAs(state.runId());
    if (retryOf != null) {
      json.put("retry_of", retryOf);
    }
    if (retriedAs != null) {
      json.put("retried_as", retriedAs);
    }
    if (state.status() == RunStatus.QUEUED) {
      QueueEstimates.Estimate estimate = view.estimate(state.runId());
      json.put("queue_position", estimate.position())
          .put("estimated_start_at", time(estimate.startAt()));
    }
    return json;
  }

  /** The run as {@code GET …/runs/{id}} shows it, with the newest progress report (or nulls). */
  static JsonObject full(RunState state, RunStateView.Progress progress) {
    JsonObject json =
        new JsonObject()
            .put("run_id", state.runId())
            .put("app", state.app())
            .put("status", state.status().wire())
            // null only for a run whose request this gateway has not read
            .put(Priority.FIELD, state.priority() == null ? null : state.priority().wire())
            .put("created_at", time(state.createdAt()))
            .put("started_at", time(state.startedAt()))
            .put("completed_at", time(state.completedAt()))
            .put("run_time_ms", state.runTimeMs())
            .put("progress", progress == null ? null : progress.progress())
            .put("progress_seq", progress == null ? null : progress.seq())
            .put("progress_updated_at", progress == null ? null : time(progress.at()));
    if (state.scheduledFor() != null) {
      json.put("scheduled_for", time(state.scheduledFor())); // kept once it ran: when it was due
    }
    if (state.status().isFinal()) {
      putResult(json, state);
      json.put("error", state.error() == null ? null : state.error().toJson());
    }
    WebhookState webhook = state.webhook() == null ? WebhookState.none() : state.webhook();
    json.put(
        "webhook",
        new JsonObject()
            .put("endpoint", webhook.endpoint())
            .put("status", webhook.status())
            .put("attempts", webhook.attempts())
            .put("last_status_code", webhook.lastStatusCode())
            .put("next_attempt_at", time(webhook.nextAttemptAt())));
    return json;
  }

  /** The 200 of a synchronous predict whose run ended in time. */
  static JsonObject syncResult(RunState state) {
    JsonObject json =
        new JsonObject()
            .put("run_id", state.runId())
            .put("status", state.status().wire())
            .put("run_time_ms", state.runTimeMs());
    if (state.status() == RunStatus.SUCCEEDED) {
      putResult(json, state);
    } else {
      json.put("error", state.error() == null ? null : state.error().toJson());
    }
    return json;
  }

  /** The result, or for one in the result store its size and digest (the caller adds the URL). */
  private static void putResult(JsonObject json, RunState state) {
    if (state.status() != RunStatus.SUCCEEDED) {
      json.put("result", null);
    } else if (state.stored() != null) {
      state.stored().putDescription(json);
    } else {
      json.put("result", state.result());
    }
  }

  private static String time(java.time.Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
