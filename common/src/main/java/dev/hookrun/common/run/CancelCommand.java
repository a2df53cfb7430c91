package dev.hookrun.common.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A request to stop a run, broadcast to every worker on the cancels topic (key = run id). */
public record CancelCommand(String runId, String project, Instant requestedAt) {

  public JsonObject toJson() {
    return new JsonObject().put("run_id", runId).put("project", project)
        .put("requested_at", Json.time(requestedAt));
  }

  public static CancelCommand fromJson(JsonObject json) {
    return new CancelCommand(Json.required(json, "run_id"), json.getString("project"),
        Json.time(json, "requested_at"));
  }
}
