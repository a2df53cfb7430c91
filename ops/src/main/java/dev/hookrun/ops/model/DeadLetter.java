package dev.hookrun.ops.model;

import io.vertx.core.json.JsonObject;

/**
 * A webhook delivery that exhausted its retries, as found on the dead-letter topic.
 *
 * @param reason why delivery gave up (the {@code dead-letter-reason} header, or the value's error)
 * @param attempts attempts made, when the record says
 */
public record DeadLetter(String runId, RecordView record, String reason, Integer attempts, String endpoint) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("run_id", runId)
        .put("dead_lettered_at", record.timestamp().toString())
        .put("partition", record.partition())
        .put("offset", record.offset())
        .put("reason", reason)
        .put("attempts", attempts)
        .put("webhook_endpoint", endpoint)
        .put("record", record.toJson());
  }
}
