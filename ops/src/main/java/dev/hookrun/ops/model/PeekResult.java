package dev.hookrun.ops.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Records found by a peek.
 *
 * @param complete false when the read stopped at its time or scan budget before the end
 */
public record PeekResult(String topic, List<RecordView> records, long scanned, boolean complete) {

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    records.forEach(r -> list.add(r.toJson()));
    return new JsonObject()
        .put("topic", topic)
        .put("records", list)
        .put("scanned", scanned)
        .put("complete", complete);
  }
}
