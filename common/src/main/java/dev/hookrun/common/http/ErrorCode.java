package dev.hookrun.common.http;

/**
 * Every error code the HTTP API answers with, and its status: the one catalog, like {@code Setting}
 * is for configuration. README's error table lists each of them ({@code ErrorCodeTest} holds it
 * so); handlers name a constant, never a string.
 */
public enum ErrorCode {
  INVALID_REQUEST(400, "invalid_request"),
  INVALID_JSON(400, "invalid_json"),
  INVALID_BODY(400, "invalid_body"),
  INVALID_FIELD(400, "invalid_field"),
  INVALID_HEADER(400, "invalid_header"),
  /** {@code /ops}: arguments that do not make a query. */
  BAD_REQUEST(400, "bad_request"),
  UNAUTHORIZED(401, "unauthorized"),
  FORBIDDEN(403, "forbidden"),
  UNKNOWN_APP(404, "unknown_app"),
  RUN_NOT_FOUND(404, "run_not_found"),
  NOT_FOUND(404, "not_found"),
  RESULT_NOT_FOUND(404, "result_not_found"),
  BATCH_NOT_FOUND(404, "batch_not_found"),
  /** {@code /ops} while {@code ADMIN_KEY} is unset. */
  OPS_DISABLED(404, "ops_disabled"),
  METHOD_NOT_ALLOWED(405, "method_not_allowed"),
  RUN_FINISHED(409, "run_finished"),
  RUN_NOT_RETRYABLE(409, "run_not_retryable"),
  WEBHOOK_NOT_DELIVERED(409, "webhook_not_delivered"),
  /** An Idempotency-Key sent again with another request than the first time it was used. */
  IDEMPOTENCY_KEY_REUSED(409, "idempotency_key_reused"),
  BODY_TOO_LARGE(413, "body_too_large"),
  /** A batch with more inputs than BATCH_MAX_ITEMS. */
  TOO_MANY_INPUTS(413, "too_many_inputs"),
  URI_TOO_LONG(414, "uri_too_long"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
  TOO_MANY_RUNS(429, "too_many_runs"),
  /** Over the project's RATE_LIMITS on the gateway that answered. */
  RATE_LIMITED(429, "rate_limited"),
  /** More event streams open under one API key than SSE_MAX_PER_KEY. */
  TOO_MANY_STREAMS(429, "too_many_streams"),
  /** {@code /ops}: too many wrong admin keys from one address. */
  TOO_MANY_ATTEMPTS(429, "too_many_attempts"),
  HEADERS_TOO_LARGE(431, "headers_too_large"),
  INTERNAL_ERROR(500, "internal_error"),
  KAFKA_UNAVAILABLE(503, "kafka_unavailable"),
  OUTCOME_UNKNOWN(503, "outcome_unknown");

  private final int status;
  private final String wire;

  ErrorCode(int status, String wire) {
    this.status = status;
    this.wire = wire;
  }

  public int status() {
    return status;
  }

  /** The code as clients read it in {@code error.code}. */
  public String wire() {
    return wire;
  }
}
