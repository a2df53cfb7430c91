package dev.hookrun.ops.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Every record of one run across the platform's topics, in time order.
 *
 * @param partitionsRead the one partition per topic that was read ("requests/3")
 */
public record Trace(String runId, List<TraceEntry> entries, List<String> partitionsRead) {

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    entries.forEach(e -> list.add(e.toJson()));
    return new JsonObject().put("run_id", runId).put("records", list)
        .put("partitions_read", new JsonArray(partitionsRead));
  }
}
