package dev.hookrun.dispatcher;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One webhook delivery that failed for good, as an operator sees it.
 *
 * @param reason {@code exhausted}, {@code gone} or {@code refused} (see {@link DeadLetterHeaders})
 * @param deadAt when it was dead-lettered
 * @param partition where it sits on the dead-letter topic
 * @param offset where it sits on the dead-letter topic
 */
public record DeadLetter(
    String runId,
    String project,
    String app,
    String endpoint,
    String reason,
    int attempts,
    Integer lastStatusCode,
    String lastError,
    Instant deadAt,
    int partition,
    long offset,
    DeliveryRecord delivery) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("run_id", runId)
        .put("project", project)
        .put("app", app)
        .put("endpoint", endpoint)
        .put("reason", reason)
        .put("attempts", attempts)
        .put("last_status_code", lastStatusCode)
        .put("last_error", lastError)
        .put("dead_at", deadAt.toString())
        .put("partition", partition)
        .put("offset", offset)
        .put("first_failure", delivery.firstFailure() == null ? null : delivery.firstFailure().toJson())
        .put("origin", delivery.origin() == null ? null : delivery.origin().toJson());
  }
}
