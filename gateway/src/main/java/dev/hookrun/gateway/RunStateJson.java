package dev.hookrun.gateway;

import dev.hookrun.common.run.Json;
import dev.hookrun.common.run.Priority;
import dev.hookrun.common.run.StoredResult;
import io.vertx.core.json.JsonObject;

/**
 * The JSON form of a {@link RunState}, field by field. Its own class because a run state is never
 * written to Kafka: the codec is apart from what a state is and how facts fold into it.
 */
final class RunStateJson {

  private RunStateJson() {}

  static JsonObject toJson(RunState state) {
    Object output = state.result();
    JsonObject json =
        Json.run(state.runId(), state.project(), state.app(), state.status())
            .put("created_at", Json.time(state.createdAt()))
            .put("started_at", Json.time(state.startedAt()))
            .put("completed_at", Json.time(state.completedAt()))
            .put("run_time_ms", state.runTimeMs())
            .put("worker_id", state.workerId())
            .put("result", output instanceof StoredResult ref ? ref.toJson() : output)
            .put("error", Json.error(state.error()))
            .put("webhook", state.webhook() == null ? null : state.webhook().toJson())
            .put("source", state.source())
            .put("updated_at", Json.time(state.updatedAt()));
    if (state.priority() != null) {
      json.put(Priority.FIELD, state.priority().wire());
    }
    if (state.scheduledFor() != null) {
      json.put("scheduled_for", Json.time(state.scheduledFor()));
    }
    return json;
  }
}
