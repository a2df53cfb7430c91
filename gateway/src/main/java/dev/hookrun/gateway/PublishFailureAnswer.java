package dev.hookrun.gateway;

import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * What a client hears when its predict could not be confirmed by Kafka. Each answer says only what
 * is known: a 503 {@code kafka_unavailable} promises nothing was queued; a 503 {@code
 * outcome_unknown} admits the request may have been queued and hands back the {@code
 * Idempotency-Key} whose retry returns that one run; a request Kafka can never take is 413 or 500,
 * never "retry shortly".
 */
final class PublishFailureAnswer {

  static final String UNAVAILABLE_MESSAGE =
      "The request could not be queued; nothing was accepted. Retry shortly.";
  static final String UNKNOWN_MESSAGE =
      "Kafka did not confirm the request in time: it may or may not have been "
          + "queued. Retry with the Idempotency-Key given here; a retry with it is safe and returns the one run.";

  private PublishFailureAnswer() {}

  /**
   * The answer for a failed publish of run {@code runId}, whose run id derives from {@code
   * idempotencyKey}.
   */
  static JsonObject body(Throwable failure, String runId, String idempotencyKey, int bodyLimit) {
    return error(failure, bodyLimit).toJson().mergeIn(extra(failure, runId, idempotencyKey));
  }

  static ApiError error(Throwable failure, int bodyLimit) {
    if (!(failure instanceof SendFailure send)) {
      return ApiError.of(ErrorCode.INTERNAL_ERROR, "Something went wrong on our side.");
    }
    if (send.tooLarge()) {
      return ApiError.of(
          ErrorCode.BODY_TOO_LARGE,
          "The request is too large to queue (the body may be at most "
              + bodyLimit
              + " bytes, and the queued request a little more); send a smaller body.");
    }
    return switch (send.kind()) {
      case NOT_SENT -> ApiError.of(ErrorCode.KAFKA_UNAVAILABLE, UNAVAILABLE_MESSAGE);
      case OUTCOME_UNKNOWN -> ApiError.of(ErrorCode.OUTCOME_UNKNOWN, UNKNOWN_MESSAGE);
      case REJECTED ->
          ApiError.of(
              ErrorCode.INTERNAL_ERROR, "Kafka refused the request for good; it was not queued.");
    };
  }

  static void send(
      RoutingContext ctx, Throwable failure, String runId, String idempotencyKey, int bodyLimit) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ApiError error = error(failure, bodyLimit);
    if (error.status() == 503) {
      ctx.response().putHeader("Retry-After", "1");
    }
    ctx.response()
        .setStatusCode(error.status())
        .putHeader("Content-Type", "application/json")
        .end(body(failure, runId, idempotencyKey, bodyLimit).encode());
  }

  private static JsonObject extra(Throwable failure, String runId, String idempotencyKey) {
    if (failure instanceof SendFailure send
        && !send.tooLarge()
        && send.kind() == SendFailure.Kind.OUTCOME_UNKNOWN) {
      return new JsonObject().put("run_id", runId).put("idempotency_key", idempotencyKey);
    }
    return new JsonObject();
  }
}
