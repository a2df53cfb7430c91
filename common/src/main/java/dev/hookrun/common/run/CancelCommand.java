package dev.hookrun.common.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A request to stop a run, broadcast to every worker on the cancels topic (key = run id).
 *
 * @param onlyIfQueued a purge of the queue: the run must never start, but if a worker already
 *     started it, it runs on
 */
public record CancelCommand(
    String runId, String project, Instant requestedAt, boolean onlyIfQueued) {

  public CancelCommand(String runId, String project, Instant requestedAt) {
    this(runId, project, requestedAt, false);
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("run_id", runId)
            .put("project", project)
            .put("requested_at", Json.time(requestedAt));
    return onlyIfQueued ? json.put("only_if_queued", true) : json;
  }

  public static CancelCommand fromJson(JsonObject json) {
    return new CancelCommand(
        Json.required(json, "run_id"),
        json.getString("project"),
        Json.time(json, "requested_at"),
        json.getBoolean("only_if_queued", false));
  }
}
