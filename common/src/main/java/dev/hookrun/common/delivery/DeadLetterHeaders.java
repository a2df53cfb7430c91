package dev.hookrun.common.delivery;

/**
 * Headers on a dead-letter record, saying why it is there without parsing its value (the names
 * follow the dead-letter convention of other Kafka tools: reason, topic, partition, offset). The
 * one catalog of them: the dispatcher writes by it, ops reads by it.
 */
public final class DeadLetterHeaders {

  /**
   * {@code exhausted} (every attempt failed), {@code gone} (410), {@code refused} (address not
   * allowed), {@code invalid_webhook_endpoint} (URL unparseable or unconnectable), {@code
   * record_too_large} (the delivery no longer fits a retry tier), {@code result_expired} (the run's
   * stored result is gone, so no webhook was sent with a dead link; typically a replay later than
   * RUN_RETENTION after the dead letter), {@code endpoint_disabled} (the endpoint failed every
   * attempt for ENDPOINT_DISABLE_AFTER and was disabled: no attempt was made) or {@code
   * handler_error} (the dispatcher failed on the record: a bug; replay once it is fixed).
   */
  public static final String REASON = "dead-letter-reason";

  public static final String ATTEMPTS = "dead-letter-attempts";

  /** The receiver's last HTTP status, or {@code none} when the last attempt got no answer. */
  public static final String LAST_STATUS = "dead-letter-last-status";

  public static final String LAST_ERROR = "dead-letter-last-error";

  /** Where the result was first read (the results record), so an operator can find it. */
  public static final String TOPIC = "dead-letter-topic";

  public static final String PARTITION = "dead-letter-partition";
  public static final String OFFSET = "dead-letter-offset";

  public static final String EXHAUSTED = "exhausted";
  public static final String GONE = "gone";
  public static final String REFUSED = "refused";
  public static final String INVALID_ENDPOINT = "invalid_webhook_endpoint";
  public static final String RECORD_TOO_LARGE = "record_too_large";
  public static final String HANDLER_ERROR = "handler_error";
  public static final String RESULT_EXPIRED = "result_expired";
  public static final String ENDPOINT_DISABLED = "endpoint_disabled";

  /** {@code true} when the dead letter's result was replaced by a reference to fit the topic. */
  public static final String RESULT_TRUNCATED = "dead-letter-result-truncated";

  /**
   * On a retry-tier record put back by an operator's replay: the dead letter it came from ({@code
   * topic/partition@offset}), so a trace can say who re-queued it.
   */
  public static final String REPLAY_OF = "hookrun-replay-of";

  private DeadLetterHeaders() {}
}
