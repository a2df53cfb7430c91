package dev.hookrun.ops.model;

import io.vertx.core.json.JsonObject;

/**
 * One record of a run's trace.
 *
 * @param stage who wrote it (gateway, worker, dispatcher, or an operator for a replay)
 * @param event a one-line reading of the record ("succeeded on worker w-1 in 12 ms")
 * @param worker the worker named in the record, if any
 */
public record TraceEntry(RecordView record, String stage, String event, String worker) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("time", record.timestamp().toString())
        .put("topic", record.shortName())
        .put("partition", record.partition())
        .put("offset", record.offset())
        .put("stage", stage)
        .put("event", event)
        .put("worker", worker)
        .put("record", record.toJson());
  }
}
