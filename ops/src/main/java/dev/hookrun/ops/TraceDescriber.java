package dev.hookrun.ops;

import dev.hookrun.ops.model.RecordView;
import dev.hookrun.ops.model.TraceEntry;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads one record of a run as a line an operator understands: who wrote it and what it says.
 * Retry-tier and dead-letter records are read leniently (known field and header names when
 * present, the raw record always in the JSON), as their format belongs to the dispatcher.
 */
final class TraceDescriber {

  /** Header the ops replay puts on a re-published dead letter. */
  static final String REPLAY_HEADER = "hookrun-replay-of";

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
    if (topic.equals("requests")) {
      String hook = v.getString("webhook_endpoint");
      return new TraceEntry(record, "gateway", "accepted: app " + v.getString("app")
          + (hook == null ? ", no webhook" : ", webhook " + hook), null);
    }
    if (topic.equals("run-state")) {
      StringBuilder event = new StringBuilder("state ").append(v.getString("status"));
      if (worker != null) {
        event.append(" on ").append(worker);
      }
      JsonObject hook = v.getJsonObject("webhook");
      if (hook != null && !"none".equals(hook.getString("status"))) {
        event.append(" | webhook ").append(hook.getString("status"))
            .append(", attempts ").append(hook.getInteger("attempts", 0));
        appendIf(event, ", last HTTP ", hook.getValue("last_status_code"));
        appendIf(event, ", next at ", hook.getString("next_attempt_at"));
        appendIf(event, ", error: ", hook.getString("last_error"));
      }
      return new TraceEntry(record, String.valueOf(v.getString("source", "-")), event.toString(), worker);
    }
    if (topic.equals("results")) {
      StringBuilder event = new StringBuilder();
      String replayOf = record.headers().get(REPLAY_HEADER);
      if (replayOf != null) {
        event.append("replayed by an operator from ").append(replayOf).append(": ");
      }
      event.append(v.getString("status"));
      if (worker != null) {
        event.append(" on ").append(worker);
      }
      appendIf(event, " in ", v.getValue("run_time_ms") == null ? null : v.getValue("run_time_ms") + " ms");
      JsonObject stored = v.getJsonObject("stored_result");
      if (stored != null) { // a result over RESULT_INLINE_MAX: where it is in the result store
        event.append(", result stored as ").append(stored.getString("key")).append(" (")
            .append(stored.getValue("bytes")).append(" bytes)");
      }
      JsonObject error = v.getJsonObject("error");
      if (error != null) {
        event.append(": ").append(error.getString("code")).append(" (").append(error.getString("message")).append(')');
      }
      return new TraceEntry(record, replayOf != null ? "operator" : "worker", event.toString(), worker);
    }
    if (topic.equals("cancels")) {
      return new TraceEntry(record, "gateway", "cancel requested", null);
    }
    String stage = catalog.stageOf(record.topic());
    if (stage.startsWith("retry-")) {
      return new TraceEntry(record, "dispatcher",
          "delivery failed, queued for " + stage + details(record, v), worker);
    }
    if (stage.equals("dead-letters")) {
      String reason = firstOf(record.headers(), v, "dead-letter-reason", "reason", "last_error", "error");
      return new TraceEntry(record, "dispatcher", "dead-lettered" + (reason == null ? "" : ": " + reason)
          + details(record, v), worker);
    }
    return new TraceEntry(record, "-", "record on " + topic + details(record, v), worker);
  }

  /** Attempt number, due time and last answer, wherever the record carries them. */
  private static String details(RecordView record, JsonObject v) {
    List<String> parts = new ArrayList<>();
    add(parts, "attempt ", firstOf(record.headers(), v, "attempt", "attempts", "webhook-attempt", "dead-letter-attempts"));
    add(parts, "due ", firstOf(record.headers(), v, "due_at", "next_attempt_at", "retry-due-at", "due-at"));
    add(parts, "last HTTP ", firstOf(record.headers(), v, "last_status_code", "status_code", "dead-letter-status-code"));
    add(parts, "error: ", firstOf(record.headers(), v, "last_error", "dead-letter-cause"));
    return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
  }

  static String firstOf(Map<String, String> headers, JsonObject value, String... names) {
    for (String name : names) {
      if (headers.get(name) != null) {
        return headers.get(name);
      }
      Object field = value.getValue(name);
      if (field instanceof JsonObject json && json.containsKey("message")) {
        return json.getString("message");
      }
      if (field != null && !(field instanceof JsonObject)) {
        return String.valueOf(field);
      }
    }
    return null;
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
