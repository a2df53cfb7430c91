package dev.hookrun.dispatcher;

import dev.hookrun.common.delivery.DeadLetterHeaders;
import dev.hookrun.common.metrics.Meters;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of one dispatcher, readable from any thread (tests, a metrics endpoint). */
public final class DispatcherMetrics {

  final AtomicLong attempts = new AtomicLong();
  final AtomicLong delivered = new AtomicLong();
  final AtomicLong retriesScheduled = new AtomicLong();
  final AtomicLong deadLettered = new AtomicLong();
  final AtomicLong refused = new AtomicLong();
  final AtomicLong gone = new AtomicLong();
  final AtomicLong hostBusy = new AtomicLong();
  final AtomicLong deferred = new AtomicLong();
  final AtomicLong duplicatesSkipped = new AtomicLong();
  private final Map<String, AtomicLong> deadLettersByReason = new ConcurrentHashMap<>();

  /** A delivery reached the dead-letter topic for {@code reason} (a {@link DeadLetterHeaders} reason). */
  void countDeadLetter(String reason) {
    deadLettered.incrementAndGet();
    deadLettersByReason.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    Meters.deadLettered(reason);
  }

  /** Dead letters written for one reason, e.g. {@code invalid_webhook_endpoint}. */
  public long deadLettered(String reason) {
    AtomicLong count = deadLettersByReason.get(reason);
    return count == null ? 0 : count.get();
  }

  /** Attempts made, whatever came of them. */
  public long attempts() {
    return attempts.get();
  }

  public long delivered() {
    return delivered.get();
  }

  /** Failed attempts sent to a retry tier. */
  public long retriesScheduled() {
    return retriesScheduled.get();
  }

  public long deadLettered() {
    return deadLettered.get();
  }

  /** Deliveries refused before sending: a URL or address the policy does not allow. */
  public long refused() {
    return refused.get();
  }

  /** Deliveries a receiver ended with 410 Gone. */
  public long gone() {
    return gone.get();
  }

  /** Attempts shed because their host had a backlog. */
  public long hostBusy() {
    return hostBusy.get();
  }

  /** Deliveries put back without spending an attempt because their host was busy. */
  public long deferred() {
    return deferred.get();
  }

  /** Results or retries not delivered because the run's webhook was already taken care of. */
  public long duplicatesSkipped() {
    return duplicatesSkipped.get();
  }
}
