package dev.hookrun.dispatcher;

import java.time.Duration;

/**
 * What one webhook attempt came to.
 *
 * @param statusCode the receiver's HTTP status, or 0 when no answer came (refused address, connect
 *     error, timeout) or nothing was sent (busy host)
 * @param error a description of the failure, null when delivered
 * @param retryAfter the wait the receiver asked for with Retry-After, or null
 * @param latencyMs how long the attempt took, from sending to its answer or failure; null for what
 *     was never sent
 */
public record DeliveryOutcome(
    Kind kind, int statusCode, String error, Duration retryAfter, Long latencyMs) {

  public DeliveryOutcome(Kind kind, int statusCode, String error, Duration retryAfter) {
    this(kind, statusCode, error, retryAfter, null);
  }

  DeliveryOutcome withLatencyMs(long millis) {
    return new DeliveryOutcome(kind, statusCode, error, retryAfter, millis);
  }

  public enum Kind {
    /** A 2xx answer. */
    DELIVERED,
    /** Worth another try: no answer, a timeout, or any non-2xx but 410. */
    RETRY,
    /**
     * Not attempted: the host had no free slot in time (busy, or a black hole holding every slot).
     * Tried again later without spending one of the delivery's attempts: a receiver's attempts are
     * for its own failures, not for the backlog of others to the same host.
     */
    DEFERRED,
    /** 410 Gone: the receiver says this endpoint will never take it. */
    GONE,
    /** Never sent: the address is not allowed. Retrying would not change that. */
    REFUSED,
    /**
     * Never sent: the URL cannot be parsed or names an address nothing can connect to (a port out
     * of range). Retrying would not change that either.
     */
    INVALID_ENDPOINT,
    /**
     * Never sent: the run's stored result is no longer in the result store, so its {@code
     * result_url} would answer 404, and a 2xx would mark a webhook delivered whose result nobody
     * can fetch.
     */
    RESULT_EXPIRED,
    /**
     * Never sent: the endpoint failed every attempt for ENDPOINT_DISABLE_AFTER and is disabled
     * until an operator enables it.
     */
    ENDPOINT_DISABLED
  }

  static DeliveryOutcome answered(int statusCode, Duration retryAfter) {
    if (statusCode >= 200 && statusCode < 300) {
      return new DeliveryOutcome(Kind.DELIVERED, statusCode, null, null);
    }
    if (statusCode == 410) {
      return new DeliveryOutcome(
          Kind.GONE, statusCode, "HTTP 410 Gone: the receiver asked us to stop", null);
    }
    String error =
        statusCode >= 300 && statusCode < 400
            ? "HTTP " + statusCode + " (redirects are not followed)"
            : "HTTP " + statusCode;
    return new DeliveryOutcome(Kind.RETRY, statusCode, error, retryAfter);
  }

  static DeliveryOutcome noAnswer(String error) {
    return new DeliveryOutcome(Kind.RETRY, 0, error, null);
  }

  static DeliveryOutcome deferred(String reason) {
    return new DeliveryOutcome(Kind.DEFERRED, 0, reason, null);
  }

  static DeliveryOutcome refused(String reason) {
    return new DeliveryOutcome(Kind.REFUSED, 0, reason, null);
  }

  static DeliveryOutcome invalidEndpoint(String reason) {
    return new DeliveryOutcome(Kind.INVALID_ENDPOINT, 0, reason, null);
  }

  static DeliveryOutcome resultExpired(String reason) {
    return new DeliveryOutcome(Kind.RESULT_EXPIRED, 0, reason, null);
  }

  static DeliveryOutcome endpointDisabled(String reason) {
    return new DeliveryOutcome(Kind.ENDPOINT_DISABLED, 0, reason, null);
  }

  public boolean delivered() {
    return kind == Kind.DELIVERED;
  }

  /** The status code for the run's state: null when nobody answered. */
  Integer statusOrNull() {
    return statusCode == 0 ? null : statusCode;
  }
}
