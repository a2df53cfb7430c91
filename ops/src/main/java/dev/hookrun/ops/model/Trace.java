package dev.hookrun.ops.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Every record of one run across the platform's topics, in time order, and how far each consumer
 * group that reads those records has got past them.
 *
 * @param partitionsRead the one partition per topic that was read ("requests/3")
 * @param progress for each record some group consumes: has that group committed past it?
 */
public record Trace(
    String runId, List<TraceEntry> entries, List<String> partitionsRead, List<Progress> progress) {

  /**
   * Whether a group has finished a record of the run: a committed offset beyond the record's means
   * yes; otherwise the run is waiting in the queue or being worked on by {@code owner}.
   */
  public record Progress(
      String topic,
      int partition,
      long offset,
      String group,
      Long committed,
      boolean processed,
      String owner) {
    JsonObject toJson() {
      return new JsonObject()
          .put("topic", topic)
          .put("partition", partition)
          .put("offset", offset)
          .put("group", group)
          .put("committed_offset", committed)
          .put("processed", processed)
          .put("owner", owner);
    }
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    entries.forEach(e -> list.add(e.toJson()));
    JsonArray consumed = new JsonArray();
    progress.forEach(p -> consumed.add(p.toJson()));
    return new JsonObject()
        .put("run_id", runId)
        .put("records", list)
        .put("partitions_read", new JsonArray(partitionsRead))
        .put("consumed_by", consumed);
  }
}
