package dev.hookrun.gateway;

/**
 * A bucket of up to {@code burst} tokens that gains {@code perSecond} of them a second; each
 * admitted run takes one. Kept as the time at which the bucket would be full again (the generic
 * cell rate algorithm, which admits exactly what the bucket does) in whole nanoseconds: summing
 * fractional tokens drifts, and a run due at 5 s would be refused at 5 s for a token of 0.9999….
 * Times are nanoseconds on any one scale the caller keeps to. Not thread-safe: its owner keeps it
 * on one event loop.
 */
final class TokenBucket {

  /** Nanoseconds per token. */
  private final long interval;

  /** How far ahead of now {@link #fullAt} may be while a token is left. */
  private final long slack;

  private long fullAt;
  private long last;

  /** {@code perSecond * burst} kept within what {@link RateLimits} allows, so nothing overflows. */
  TokenBucket(double perSecond, int burst, long nowNanos) {
    this.interval = Math.max(1, Math.round(1e9 / perSecond));
    this.slack = (burst - 1) * interval;
    this.fullAt = nowNanos;
    this.last = nowNanos;
  }

  /** Takes a token: 0 when there was one, else the nanoseconds until the next is due. */
  long take(long nowNanos) {
    if (nowNanos < last) {
      fullAt -= last - nowNanos; // a clock set back: the bucket keeps its tokens, it never stalls
    }
    last = nowNanos;
    long from = Math.max(fullAt, nowNanos);
    long owed = from - nowNanos;
    if (owed <= slack) {
      fullAt = from + interval;
      return 0;
    }
    return owed - slack;
  }
}
