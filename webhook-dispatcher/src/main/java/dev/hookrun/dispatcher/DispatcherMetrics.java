package dev.hookrun.dispatcher;

import dev.hookrun.common.delivery.DeadLetterHeaders;
import dev.hookrun.common.metrics.Meters;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one place a dispatcher counts: each {@code count…} call is one event, exported through {@link
 * Meters} (Prometheus, summed over the process's dispatchers) and tallied for this dispatcher,
 * which its accessors read (tests, where several dispatchers share a JVM). Readable from any
 * thread.
 */
public final class DispatcherMetrics {

  private static final String ATTEMPTS = "attempts";
  private static final String RETRIES = "retries_scheduled";
  private static final String DEAD_LETTERED = "dead_lettered";
  private static final String HOST_BUSY = "host_busy";
  private static final String DEFERRED = "deferred";
  private static final String DUPLICATES = "duplicates_skipped";
  private static final String STATE_SEND_FAILURES = "state_send_failures";
  private static final String OVER_SHARE = "over_share:";
  private static final String DEAD_LETTERED_FOR = "dead_lettered:";
  private static final String RENEWAL = "result_renewal:";

  private final Map<String, AtomicLong> tally = new ConcurrentHashMap<>();

  /**
   * An attempt ended: {@code delivered}, {@code gone}, {@code refused}, {@code invalid_endpoint},
   * {@code result_expired} or {@code failed}.
   */
  void countAttempt(String outcome) {
    add(ATTEMPTS);
    add(outcome);
    Meters.deliveryAttempt(outcome);
  }

  /** A failed attempt went to a retry tier. */
  void countRetryScheduled() {
    add(RETRIES);
    Meters.retryScheduled();
  }

  /**
   * A delivery reached the dead-letter topic for {@code reason} (a {@link DeadLetterHeaders}
   * reason).
   */
  void countDeadLetter(String reason) {
    add(DEAD_LETTERED);
    add(DEAD_LETTERED_FOR + reason);
    Meters.deadLettered(reason);
  }

  /** An attempt found no free slot at its host. */
  void countHostBusy() {
    add(HOST_BUSY);
    Meters.hostBusy();
  }

  /**
   * A stored result's age was renewed for its webhook: {@code renewed}, {@code gone} (the store no
   * longer has it) or {@code failed} (the store could not be asked).
   */
  void countResultRenewal(String outcome) {
    add(RENEWAL + outcome);
    Meters.storedResultRenewal(outcome);
  }

  /** Renewals of stored results with one outcome, e.g. {@code renewed}. */
  public long resultRenewals(String outcome) {
    return get(RENEWAL + outcome);
  }

  /** A delivery was put back without spending an attempt. */
  void countDeferred() {
    add(DEFERRED);
    Meters.deliveryDeferred();
  }

  /** A result or retry was not delivered: the run's webhook is already taken care of. */
  void countDuplicateSkipped() {
    add(DUPLICATES);
    Meters.duplicateSkipped();
  }

  /**
   * A delivery of a project at its share of the dispatcher {@code waited} for the project's turn or
   * was {@code deferred}.
   */
  void countOverShare(String outcome) {
    add(OVER_SHARE + outcome);
    Meters.projectOverShare(outcome);
  }

  /** Deliveries of a project at its share that waited ({@code waited}) or were deferred. */
  public long overShare(String outcome) {
    return get(OVER_SHARE + outcome);
  }

  /** A send of a delivery state to the deliveries topic failed; it is tried again. */
  void countStateSendFailed() {
    add(STATE_SEND_FAILURES);
    Meters.deliveryStateSendFailed();
  }

  /** Failed sends of delivery states, each tried again until it succeeded or the stop. */
  public long stateSendFailures() {
    return get(STATE_SEND_FAILURES);
  }

  /** Dead letters written for one reason, e.g. {@code invalid_webhook_endpoint}. */
  public long deadLettered(String reason) {
    return get(DEAD_LETTERED_FOR + reason);
  }

  /** Attempts made, whatever came of them. */
  public long attempts() {
    return get(ATTEMPTS);
  }

  public long delivered() {
    return get("delivered");
  }

  /** Failed attempts sent to a retry tier. */
  public long retriesScheduled() {
    return get(RETRIES);
  }

  public long deadLettered() {
    return get(DEAD_LETTERED);
  }

  /** Deliveries refused before sending: a URL or address the policy does not allow. */
  public long refused() {
    return get("refused");
  }

  /** Deliveries a receiver ended with 410 Gone. */
  public long gone() {
    return get("gone");
  }

  /** Attempts shed because their host had a backlog. */
  public long hostBusy() {
    return get(HOST_BUSY);
  }

  /** Deliveries put back without spending an attempt because their host was busy. */
  public long deferred() {
    return get(DEFERRED);
  }

  /** Results or retries not delivered because the run's webhook was already taken care of. */
  public long duplicatesSkipped() {
    return get(DUPLICATES);
  }

  private void add(String name) {
    tally.computeIfAbsent(name, n -> new AtomicLong()).incrementAndGet();
  }

  private long get(String name) {
    AtomicLong count = tally.get(name);
    return count == null ? 0 : count.get();
  }
}
