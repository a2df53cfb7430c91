package dev.hookrun.ops;

import dev.hookrun.common.delivery.DeadLetter;
import dev.hookrun.common.delivery.DeadLetterHeaders;
import dev.hookrun.common.delivery.DeliveryRecord;
import dev.hookrun.common.kafka.Topics;
import dev.hookrun.ops.model.RecordView;
import dev.hookrun.ops.model.TraceEntry;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads one record of a run as a line an operator understands: who wrote it and what it says.
 * Retry-tier and dead-letter records are {@link DeliveryRecord}s with, for dead letters, {@link
 * DeadLetterHeaders}: their names come from the one catalog in {@code common}, which the dispatcher
 * writes by (the raw record is always in the JSON too).
 */
final class TraceDescriber {

  private final TopicCatalog catalog;

  TraceDescriber(TopicCatalog catalog) {
    this.catalog = catalog;
  }

  TraceEntry describe(RecordView record) {
    JsonObject v = record.valueObject();
    String topic = record.shortName();
    String worker = v.getString("worker_id");
    if (record.value() == null) {
      return new TraceEntry(record, "-", "tombstone (state deleted)", null);
    }
    if (topic.equals(Topics.REQUESTS)) {
      String hook = v.getString("webhook_endpoint");
      return new TraceEntry(
          record,
          "gateway",
          "accepted: app "
              + v.getString("app")
              + (hook == null ? ", no webhook" : ", webhook " + hook),
          null);
    }
    if (topic.equals(Topics.DELIVERIES)) {
      StringBuilder event = new StringBuilder("state ").append(v.getString("status"));
      if (worker != null) {
        event.append(" on ").append(worker);
      }
      JsonObject hook = v.getJsonObject("webhook");
      if (hook != null && !"none".equals(hook.getString("status"))) {
        event
            .append(" | webhook ")
            .append(hook.getString("status"))
            .append(", attempts ")
            .append(hook.getInteger("attempts", 0));
        appendIf(event, ", last HTTP ", hook.getValue("last_status_code"));
        appendIf(event, ", next at ", hook.getString("next_attempt_at"));
        appendIf(event, ", error: ", hook.getString("last_error"));
      }
      return new TraceEntry(
          record, String.valueOf(v.getString("source", "-")), event.toString(), worker);
    }
    if (topic.equals(Topics.RESULTS)) {
      StringBuilder event = new StringBuilder(v.getString("status"));
      if (worker != null) {
        event.append(" on ").append(worker);
      }
      appendIf(
          event,
          " in ",
          v.getValue("run_time_ms") == null ? null : v.getValue("run_time_ms") + " ms");
      JsonObject stored = v.getJsonObject("stored_result");
      if (stored != null) { // a result over RESULT_INLINE_MAX: where it is in the result store
        event
            .append(", result stored as ")
            .append(stored.getString("key"))
            .append(" (")
            .append(stored.getValue("bytes"))
            .append(" bytes)");
      }
      JsonObject error = v.getJsonObject("error");
      if (error != null) {
        event
            .append(": ")
            .append(error.getString("code"))
            .append(" (")
            .append(error.getString("message"))
            .append(')');
      }
      return new TraceEntry(record, "worker", event.toString(), worker);
    }
    if (topic.equals(Topics.CANCELS)) {
      return new TraceEntry(record, "gateway", "cancel requested", null);
    }
    String stage = catalog.stageOf(record.topic());
    if (stage.startsWith("retry-") || stage.equals("dead-letters")) {
      // a DeliveryRecord: the result it delivers names the worker
      JsonObject result = v.getJsonObject("result");
      String ranOn =
          worker != null ? worker : result == null ? null : result.getString("worker_id");
      if (stage.startsWith("retry-")) {
        if (record.headers().get(Redeliveries.HEADER) != null) {
          return new TraceEntry(
              record,
              "operator",
              "webhook redelivery requested, queued for " + stage + details(record, v, true),
              ranOn);
        }
        String replayOf = record.headers().get(DeadLetterHeaders.REPLAY_OF);
        if (replayOf != null) {
          return new TraceEntry(
              record,
              "operator",
              "dead letter "
                  + replayOf
                  + " replayed, queued for "
                  + stage
                  + details(record, v, true),
              ranOn);
        }
        return new TraceEntry(
            record,
            "dispatcher",
            "delivery failed, queued for " + stage + details(record, v, true),
            ranOn);
      }
      String reason =
          DeadLetter.firstOf(record.headers()::get, v, DeadLetterHeaders.REASON, "reason");
      return new TraceEntry(
          record,
          "dispatcher",
          "dead-lettered" + (reason == null ? "" : ": " + reason) + details(record, v, false),
          ranOn);
    }
    return new TraceEntry(record, "-", "record on " + topic + details(record, v, false), worker);
  }

  /**
   * Attempts, due time and the last answer, from what the dispatcher writes: a retry-tier record
   * carries them in its value ({@link DeliveryRecord}: {@code attempts}, {@code due_at}, {@code
   * last_failure}), a dead letter also in its {@link DeadLetterHeaders}.
   */
  private static String details(RecordView record, JsonObject v, boolean due) {
    Map<String, String> headers = record.headers();
    JsonObject lastFailure = v.getJsonObject("last_failure");
    List<String> parts = new ArrayList<>();
    add(
        parts,
        "attempt ",
        DeadLetter.firstOf(headers::get, v, DeadLetterHeaders.ATTEMPTS, "attempts", "attempt"));
    if (due) {
      add(parts, "due ", DeadLetter.firstOf(headers::get, v, "due_at", "next_attempt_at"));
    }
    String lastStatus =
        DeadLetter.firstOf(
            headers::get, v, DeadLetterHeaders.LAST_STATUS, "last_status_code", "status_code");
    if (lastStatus == null && lastFailure != null) {
      Integer code = lastFailure.getInteger("status_code");
      lastStatus = code == null ? "none" : code.toString(); // no answer at all (refused, timed out)
    }
    add(parts, "last HTTP ", lastStatus);
    String lastError =
        DeadLetter.firstOf(headers::get, v, DeadLetterHeaders.LAST_ERROR, "last_error");
    if (lastError == null && lastFailure != null) {
      lastError = lastFailure.getString("error");
    }
    add(parts, "error: ", lastError);
    return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
  }

  private static void add(List<String> parts, String label, String value) {
    if (value != null) {
      parts.add(label + value);
    }
  }

  private static void appendIf(StringBuilder out, String label, Object value) {
    if (value != null) {
      out.append(label).append(value);
    }
  }
}
