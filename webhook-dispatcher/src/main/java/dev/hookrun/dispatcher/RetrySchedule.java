package dev.hookrun.dispatcher;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * When the retries of a failed webhook delivery are due.
 *
 * <p>Each delay gets ±20 % jitter so that deliveries which failed together (an endpoint that was
 * down for a minute) do not all come back in the same second. A receiver's {@code Retry-After} is
 * honoured, but only within [delay, 2 × delay]: a receiver may slow us down, never make us hammer
 * it sooner than planned or park a delivery for a month.
 *
 * <p>Pure apart from the injected {@link Random}, so tests can pin the jitter.
 */
public final class RetrySchedule {

  public static final String DEFAULT = "5s,5m,30m,2h,5h,10h,10h";
  static final double JITTER = 0.2;

  /** Bounded so a retry-tier record is always far inside the tier topics' retention (a week). */
  static final Duration MAX_DELAY = Duration.ofDays(1);

  static final int MAX_RETRIES = 20;

  private final List<Duration> delays;
  private final Random random;

  public RetrySchedule(List<Duration> delays, Random random) {
    List<String> problems = problems(delays);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    this.delays = List.copyOf(delays);
    this.random = random;
  }

  public static RetrySchedule of(List<Duration> delays) {
    return new RetrySchedule(delays, new Random());
  }

  /** What is wrong with a list of delays, empty when it is a valid schedule. */
  static List<String> problems(List<Duration> delays) {
    List<String> out = new ArrayList<>();
    if (delays.isEmpty()) {
      out.add("needs at least one delay");
    }
    if (delays.size() > MAX_RETRIES) {
      out.add("has " + delays.size() + " delays, at most " + MAX_RETRIES + " are allowed");
    }
    for (Duration d : delays) {
      if (d.isZero() || d.isNegative() || d.compareTo(MAX_DELAY) > 0) {
        out.add("delay " + d + " must be above zero and at most " + MAX_DELAY);
      }
    }
    return out;
  }

  /** Retries after the first attempt; a delivery gets {@code retries() + 1} attempts in all. */
  public int retries() {
    return delays.size();
  }

  public List<Duration> delays() {
    return delays;
  }

  /** The planned delay before retry {@code n} (from 1), without jitter. */
  public Duration nominal(int n) {
    return delays.get(n - 1);
  }

  /** The delay before retry {@code n}, jittered, stretched towards {@code retryAfter} if given. */
  public Duration delayBefore(int n, Duration retryAfter) {
    long nominal = nominal(n).toMillis();
    double factor = 1 + JITTER * (2 * random.nextDouble() - 1);
    long delay = Math.max(1, Math.round(nominal * factor));
    if (retryAfter != null) {
      delay = Math.min(2 * delay, Math.max(delay, retryAfter.toMillis()));
    }
    return Duration.ofMillis(delay);
  }

  /**
   * The longest the retries can take: every delay at its most jitter. A receiver's Retry-After may
   * stretch a delay further (up to twice it), which this leaves out.
   */
  public Duration longest() {
    Duration sum = delays.stream().reduce(Duration.ZERO, Duration::plus);
    return Duration.ofMillis(Math.round(sum.toMillis() * (1 + JITTER)));
  }

  public Instant dueAt(Instant now, int n, Duration retryAfter) {
    return now.plus(delayBefore(n, retryAfter));
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    delays.forEach(d -> parts.add(describe(d)));
    return String.join(",", parts);
  }

  /** e.g. {@code 33h6m6s}, as the schedule is written. */
  static String describe(Duration d) {
    return d.toString().substring(2).toLowerCase();
  }
}
