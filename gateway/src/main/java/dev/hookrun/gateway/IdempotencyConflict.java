package dev.hookrun.gateway;

import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;

/**
 * The answer to an Idempotency-Key sent again with another body: answering the first request's
 * outcome would tell the client its new request was taken when it was not.
 */
final class IdempotencyConflict {

  private IdempotencyConflict() {}

  /**
   * @param what {@code run} or {@code batch}: what the key already names
   */
  static ApiError error(String what) {
    return ApiError.of(
        ErrorCode.IDEMPOTENCY_KEY_REUSED,
        "This Idempotency-Key was already used for a "
            + what
            + " with a different request body. Repeat that request unchanged to get its "
            + what
            + ", or send this one with a new key.",
        "Idempotency-Key");
  }
}
