package dev.hookrun.ops.model;

import dev.hookrun.common.delivery.DeadLetter;
import io.vertx.core.json.JsonObject;

/**
 * A dead letter as {@code ops dlq list} and {@code GET /ops/dlq} show it: the common {@link
 * DeadLetter} (the one format, read by the one reader) with its raw record beside it.
 */
public record DeadLetterView(DeadLetter letter, RecordView record) {

  public String runId() {
    return letter.runId();
  }

  public String reason() {
    return letter.reason();
  }

  public Integer attempts() {
    return letter.attempts();
  }

  public String endpoint() {
    return letter.endpoint();
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("run_id", runId())
        .put("dead_lettered_at", record.timestamp().toString())
        .put("partition", record.partition())
        .put("offset", record.offset())
        .put("reason", reason())
        .put("attempts", attempts())
        .put("webhook_endpoint", endpoint())
        .put("record", record.toJson());
  }
}
