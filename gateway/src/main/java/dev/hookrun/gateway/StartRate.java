package dev.hookrun.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * How many runs a second have started lately: starts counted per second over the last {@link
 * #WINDOW}, so memory stays the same at any rate.
 */
final class StartRate {

  static final Duration WINDOW = Duration.ofSeconds(60);

  private static final int SECONDS = (int) WINDOW.toSeconds();

  private final long[] counts = new long[SECONDS];

  /** The second each slot of {@link #counts} counts; a slot of an older second is stale. */
  private final long[] secondOf = new long[SECONDS];

  /**
   * From when starts were seen: the rate divides by the part of the window this covers, so a
   * gateway that has watched for 10 s does not spread 10 s of starts over a minute.
   */
  private Instant since;

  StartRate(Instant since) {
    this.since = since;
    Arrays.fill(secondOf, Long.MIN_VALUE);
  }

  /**
   * Counts a start at {@code at} (the worker's clock: a time ahead of ours counts as now). Starts
   * older than the window still move {@link #since} back: the history a gateway re-reads at start
   * covers that time, so its window is covered too.
   */
  void started(Instant at, Instant now) {
    if (at.isBefore(since)) {
      since = at;
    }
    long second = (at.isAfter(now) ? now : at).getEpochSecond();
    if (second <= now.getEpochSecond() - SECONDS) {
      return;
    }
    int slot = Math.floorMod(second, SECONDS);
    if (secondOf[slot] != second) {
      secondOf[slot] = second;
      counts[slot] = 0;
    }
    counts[slot]++;
  }

  /** Starts a second over the window (or the part of it since watching began); 0 with none. */
  double perSecond(Instant now) {
    long nowSecond = now.getEpochSecond();
    long started = 0;
    for (int slot = 0; slot < SECONDS; slot++) {
      if (secondOf[slot] > nowSecond - SECONDS && secondOf[slot] <= nowSecond) {
        started += counts[slot];
      }
    }
    if (started == 0) {
      return 0;
    }
    long watchedMs = Duration.between(since, now).toMillis();
    long coveredMs = Math.min(WINDOW.toMillis(), Math.max(1_000, watchedMs));
    return started * 1_000.0 / coveredMs;
  }
}
