package dev.hookrun.ops.http;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Limits wrong admin keys per client address: a bucket of {@code burst} failures per address that
 * refills one every {@code refill}. An address with an empty bucket is refused before its key is
 * even compared, so guessing the key costs {@code refill} per guess.
 *
 * <p>Kept as, per address, the time its bucket is full again (as TokenBucket in the gateway does);
 * an address whose bucket is full again is forgotten, so only recent guessers take memory. Safe
 * from any thread (the admin listener may run on several event loops).
 */
public final class FailedKeyAttempts {

  /** More addresses than this: forget those whose bucket is full again before adding one. */
  private static final int TRACKED_MAX = 10_000;

  private final int burst;
  private final long refillNanos;
  private final LongSupplier nanoClock;
  private final Map<String, Long> fullAt = new HashMap<>();

  /**
   * The admin listener's limiter: {@link OpsRoutes#FAILED_KEY_BURST} wrong keys, then one per
   * {@link OpsRoutes#FAILED_KEY_REFILL}. One instance per listener, shared by every way in that
   * takes the admin key, so a guesser cannot double its rate by switching between them.
   */
  public static FailedKeyAttempts forAdminKey() {
    return new FailedKeyAttempts(
        OpsRoutes.FAILED_KEY_BURST, OpsRoutes.FAILED_KEY_REFILL, System::nanoTime);
  }

  FailedKeyAttempts(int burst, Duration refill, LongSupplier nanoClock) {
    this.burst = burst;
    this.refillNanos = refill.toNanos();
    this.nanoClock = nanoClock;
  }

  /** 0 when {@code address} may try a key now, else the nanoseconds until it may. */
  public synchronized long waitFor(String address) {
    Long full = fullAt.get(address);
    if (full == null) {
      return 0;
    }
    long owed = full - nanoClock.getAsLong();
    long slack = (burst - 1) * refillNanos;
    return owed <= slack ? 0 : owed - slack;
  }

  /** Takes one of {@code address}'s failures. */
  public synchronized void failed(String address) {
    long now = nanoClock.getAsLong();
    if (fullAt.size() >= TRACKED_MAX) {
      fullAt.values().removeIf(full -> full <= now);
    }
    Long full = fullAt.get(address);
    fullAt.put(address, Math.max(full == null ? now : full, now) + refillNanos);
  }
}
