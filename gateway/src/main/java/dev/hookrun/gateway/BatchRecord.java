package dev.hookrun.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * A batch as the gateways keep it on the compacted batches topic (key = batch id): whose it is, how
 * many items it has and where its completion goes. Its items are the requests that name it in their
 * headers, so this record stays small whatever the batch's size.
 *
 * @param webhookEvents the batch's own filter; null: the default ({@code batch.completed})
 * @param requestHash the {@link RequestFingerprint} of the body that made the batch; a repeat of
 *     its Idempotency-Key must match it (null in a record written before it was kept)
 */
record BatchRecord(
    String batchId,
    String project,
    String app,
    int count,
    String webhookEndpoint,
    List<String> webhookEvents,
    Instant createdAt,
    String requestHash) {

  /** Batch ids are told apart from run ids (a batch's webhook states share the runs' topic). */
  static final String ID_PREFIX = "batch_";

  static boolean isBatchId(String id) {
    return id != null && id.startsWith(ID_PREFIX);
  }

  /** The same project and key always name the same batch, on every gateway. */
  static String idFor(String project, String key) {
    return ID_PREFIX + RunIds.of(project, "batch\u0000" + key);
  }

  /** Item {@code index}'s run id: a repeat of the batch names the same runs. */
  static String runIdOf(String project, String batchId, int index) {
    return RunIds.of(project, batchId + "\u0000" + index);
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("batch_id", batchId)
        .put("project", project)
        .put("app", app)
        .put("count", count)
        .put("webhook_endpoint", webhookEndpoint)
        .put("webhook_events_filter", webhookEvents == null ? null : new JsonArray(webhookEvents))
        .put("created_at", createdAt.toString())
        .put("request_hash", requestHash);
  }

  static BatchRecord fromJson(JsonObject json) {
    JsonArray events = json.getJsonArray("webhook_events_filter");
    return new BatchRecord(
        json.getString("batch_id"),
        json.getString("project"),
        json.getString("app"),
        json.getInteger("count"),
        json.getString("webhook_endpoint"),
        events == null ? null : events.stream().map(String::valueOf).toList(),
        Instant.parse(json.getString("created_at")),
        json.getString("request_hash"));
  }
}
