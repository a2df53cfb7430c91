package dev.hookrun.gateway;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;

/**
 * Why a send to Kafka failed, in the terms a client's answer depends on: whether the record can
 * have been written. A 503 that says "nothing was accepted" is only true for {@link Kind#NOT_SENT}.
 */
final class SendFailure extends RuntimeException {

  enum Kind {
    /**
     * The record never left this process (gate closed, queue budget spent, no metadata, too large).
     */
    NOT_SENT,
    /** Handed to the producer, then refused by the broker for good: not written. */
    REJECTED,
    /** Handed to the producer, then failed or timed out: it may or may not have been written. */
    OUTCOME_UNKNOWN
  }

  private final Kind kind;

  private SendFailure(Kind kind, Throwable cause) {
    super(kind + ": " + cause, cause, false, false);
    this.kind = kind;
  }

  static SendFailure notSent(Throwable cause) {
    return new SendFailure(Kind.NOT_SENT, cause);
  }

  /** A failure the producer reported after it had taken the record. */
  static SendFailure afterHandOff(Throwable cause) {
    return new SendFailure(isRejection(cause) ? Kind.REJECTED : Kind.OUTCOME_UNKNOWN, cause);
  }

  Kind kind() {
    return kind;
  }

  /**
   * Whether Kafka refused the record as too large (client or broker side): only a smaller one can
   * pass.
   */
  boolean tooLarge() {
    return getCause() instanceof RecordTooLargeException
        || getCause() instanceof RecordBatchTooLargeException;
  }

  /**
   * Errors the broker answers for a record it did not append and never will. Anything else after
   * the hand-off (timeouts above all, but also the idempotent producer's sequence errors) leaves
   * the outcome unknown.
   */
  private static boolean isRejection(Throwable cause) {
    return cause instanceof RecordTooLargeException
        || cause instanceof RecordBatchTooLargeException
        || cause instanceof InvalidRecordException
        || cause instanceof InvalidTopicException
        || cause instanceof TopicAuthorizationException;
  }
}
