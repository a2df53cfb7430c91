package dev.hookrun.ops.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Dead letters put back into delivery: which runs, and where each landed ("results/4@17"). */
public record ReplayResult(List<Replayed> replayed) {

  public record Replayed(String runId, String from, String to) {}

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    replayed.forEach(
        r ->
            list.add(
                new JsonObject().put("run_id", r.runId()).put("from", r.from()).put("to", r.to())));
    return new JsonObject().put("replayed", replayed.size()).put("runs", list);
  }
}
