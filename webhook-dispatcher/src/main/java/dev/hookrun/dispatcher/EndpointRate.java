package dev.hookrun.dispatcher;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@code WEBHOOK_ENDPOINT_RATE}: spaces the attempts to one endpoint at least {@code 1/rate} apart.
 * An attempt reserves the endpoint's next free turn and waits for it; one whose turn is further
 * away than the longest wait reserves nothing and is deferred by the caller (a deferral spends no
 * attempt). Per dispatcher: the dispatchers do not share turns. Used on the dispatcher's context.
 */
final class EndpointRate {

  /** Returned by {@link #reserve} when the wait would be too long. */
  static final long TOO_LONG = -1;

  private static final int SWEEP_ABOVE = 10_000;

  private final long intervalNanos;
  private final long maxWaitNanos;
  private final LongSupplier nanos;
  private final Map<String, Long> nextTurn = new HashMap<>();

  /**
   * @param perSecond attempts per second to one endpoint; 0 or less is unlimited
   */
  EndpointRate(double perSecond, Duration maxWait, LongSupplier nanos) {
    this.intervalNanos = perSecond > 0 ? (long) (1_000_000_000L / perSecond) : 0;
    this.maxWaitNanos = maxWait.toNanos();
    this.nanos = nanos;
  }

  boolean limited() {
    return intervalNanos > 0;
  }

  /** Nanoseconds until the endpoint's turn (0: at once), or {@link #TOO_LONG}. */
  long reserve(String endpoint) {
    if (!limited()) {
      return 0;
    }
    long now = nanos.getAsLong();
    Long next = nextTurn.get(endpoint);
    long turn = next == null || next - now < 0 ? now : next;
    long wait = turn - now;
    if (wait > maxWaitNanos) {
      return TOO_LONG;
    }
    if (nextTurn.size() > SWEEP_ABOVE) {
      nextTurn.values().removeIf(at -> at - now < 0); // endpoints idle for a turn or more
    }
    nextTurn.put(endpoint, turn + intervalNanos);
    return wait;
  }
}
