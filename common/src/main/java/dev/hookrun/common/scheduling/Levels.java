package dev.hookrun.common.scheduling;

import dev.hookrun.common.run.Priority;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * The level each queued run is served at, at one instant: its priority raised one level for every
 * full {@code aging} it has waited, so a low run cannot wait forever behind a stream of higher
 * ones.
 */
final class Levels {

  /**
   * {@code cutoffs[k - 1]} is {@code now - k * aging}: a run queued at or before it has waited at
   * least {@code k} agings. Comparing instants avoids a division per run and per pick.
   */
  private final Instant[] cutoffs;

  private Levels(Instant[] cutoffs) {
    this.cutoffs = cutoffs;
  }

  static Levels at(Instant now, Duration aging) {
    int raisable = Priority.values().length - 1;
    if (aging.isZero()) {
      return new Levels(new Instant[0]);
    }
    Instant[] cutoffs = new Instant[raisable];
    int known = 0;
    try {
      for (; known < raisable; known++) {
        cutoffs[known] = now.minus(aging.multipliedBy(known + 1L));
      }
    } catch (DateTimeException | ArithmeticException beforeTimeBegan) {
      // no run can have waited that long, so that many raises never apply
    }
    return new Levels(Arrays.copyOf(cutoffs, known));
  }

  /** The run's effective level as a {@link Priority} ordinal: lower is served first. */
  int of(QueuedRun run) {
    int raises = 0;
    while (raises < cutoffs.length && !run.queuedAt().isAfter(cutoffs[raises])) {
      raises++;
    }
    return run.priority().raisedBy(raises).ordinal();
  }
}
