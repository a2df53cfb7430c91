package dev.hookrun.gateway;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * How long a {@link RunStateView} keeps a run, and from when that counts. Its own class because
 * these are the rules of time alone; which runs the view holds and in what order stays in the view.
 *
 * <p>A run stays readable for the retention after it ended, and while it has not ended for as long
 * as a run can go on (its queue TTL and the longest run time) past the retention, counted from its
 * scheduled time when it has one: a run that waited and ran for a day is still in the view while it
 * runs, and for a day after.
 */
final class RunRetention {

  private final Duration retention;

  /** How much longer than the retention an unfinished run is kept: queue TTL + MAX_RUN_TIME. */
  private final Duration runLifetime;

  private final Clock clock;

  RunRetention(Duration retention, Duration runLifetime, Clock clock) {
    this.retention = retention;
    this.runLifetime = runLifetime;
    this.clock = clock;
  }

  Duration retention() {
    return retention;
  }

  boolean isExpired(RunState state) {
    Instant since = anchor(state);
    Duration kept = state.status().isFinal() ? retention : retention.plus(runLifetime);
    return since != null && since.plus(kept).isBefore(clock.instant());
  }

  /**
   * What the retention counts from: the end of an ended run, the scheduled time of one that has not
   * ended and was scheduled ahead, the creation of any other.
   */
  private static Instant anchor(RunState state) {
    if (!state.status().isFinal()
        && state.scheduledFor() != null
        && (state.createdAt() == null || state.scheduledFor().isAfter(state.createdAt()))) {
      return state.scheduledFor();
    }
    return orderAnchor(state);
  }

  /**
   * What the view's order follows: the end of an ended run (moved to the back when it ends), the
   * creation of any other. The sweep stops at the first entry this is within the retention for.
   */
  static Instant orderAnchor(RunState state) {
    if (state.status().isFinal() && state.completedAt() != null) {
      return state.completedAt();
    }
    return state.createdAt() != null ? state.createdAt() : state.updatedAt();
  }

  static long gapMillis(RunState current, RunState incoming) {
    if (current.createdAt() == null || incoming.createdAt() == null) {
      return 0;
    }
    return incoming.createdAt().toEpochMilli() - current.createdAt().toEpochMilli();
  }
}
