package dev.hookrun.gateway;

import dev.hookrun.common.run.Priority;
import dev.hookrun.common.run.RunState;
import dev.hookrun.common.run.RunStatus;
import dev.hookrun.common.scheduling.FairQueue;
import dev.hookrun.common.scheduling.QueuedRun;
import dev.hookrun.common.scheduling.SchedulingPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/**
 * A queued run's place in line and when it may start, as this gateway can tell: the installation's
 * queued runs (every project and app) are put in the order the scheduler's {@link FairQueue} would
 * start them, with the running counts per project for the caps, and the place is turned into a time
 * by the rate at which runs started over the last minute.
 *
 * <p>An estimate, not a promise: the scheduler's fair-share state, runs finishing and runs arriving
 * all move it. Runs the scheduler has released to a worker that has not yet written its {@code
 * running} record (about 100 ms) still look queued here, so a place can be a few runs too far back
 * while runs start; that is within what an estimate refreshed every second can tell anyway.
 *
 * <p>Lives on the view's event loop, which tells it every change of a run's status.
 */
final class QueueEstimates {

  /** A queued run's estimate; either part is null when it cannot be told. */
  record Estimate(Integer position, Instant startAt) {}

  /** Positions are walked again at most this often (the walk visits every queued run)... */
  static final Duration REFRESH = Duration.ofSeconds(1);

  /**
   * ...except in a queue this small, which is walked again whenever it changed: well under 1 ms.
   */
  static final int SMALL_QUEUE = 1_000;

  private final FairQueue queue;
  private final Clock clock;
  private final StartRate starts;
  private final Map<String, Integer> runningByProject = new HashMap<>();
  private Map<String, Integer> positions = Map.of();
  private Instant positionsAt;
  private boolean changedSinceWalk;

  QueueEstimates(SchedulingPolicy policy, Clock clock) {
    this.queue = new FairQueue(policy, clock);
    this.clock = clock;
    this.starts = new StartRate(clock.instant());
  }

  /**
   * Follows one run from {@code before} to {@code after} (null: not in the view). Queued runs join
   * the line in the order the view meets them, which is their creation order up to the skew between
   * request partitions, the order the scheduler reads them in too.
   */
  void changed(RunState before, RunState after) {
    boolean wasQueued = is(before, RunStatus.QUEUED);
    boolean isQueued = is(after, RunStatus.QUEUED);
    boolean wasRunning = is(before, RunStatus.RUNNING);
    boolean isRunning = is(after, RunStatus.RUNNING);
    if (wasRunning != isRunning) {
      String project = (isRunning ? after : before).project();
      runningByProject.merge(project, isRunning ? 1 : -1, (a, b) -> a + b <= 0 ? null : a + b);
      changedSinceWalk = true;
    }
    if (wasQueued && !isQueued) {
      queue.remove(before.runId());
      changedSinceWalk = true;
    } else if (isQueued && !wasQueued) {
      Priority priority = after.priority() == null ? Priority.NORMAL : after.priority();
      Instant created = after.createdAt() == null ? clock.instant() : after.createdAt();
      queue.add(new QueuedRun(after.runId(), after.project(), priority, created));
      changedSinceWalk = true;
    }
    if ((before == null || wasQueued) && after != null && !isQueued) {
      // A run that ended without starting (cancelled or expired while queued) has no start time
      // and says nothing about how fast runs start. A run first seen already started (the history
      // a gateway re-reads at start) counts at its start time, so only recent ones count.
      Instant startedAt = after.startedAt();
      if (startedAt == null && wasQueued && isRunning) {
        startedAt = clock.instant(); // a running record without the worker's time
      }
      if (startedAt != null) {
        starts.started(startedAt, clock.instant());
      }
    }
  }

  /** The estimate for a run the view shows queued. */
  Estimate of(String runId) {
    Instant now = clock.instant();
    Integer position = positions(now).get(runId);
    if (position == null) {
      // queued after the last walk, in a queue too big to walk again yet
      return new Estimate(null, null);
    }
    double perSecond = starts.perSecond(now);
    if (perSecond <= 0) {
      return new Estimate(position, null); // nothing started for a minute: no basis for a time
    }
    long waitMs = Math.round(position * 1_000.0 / perSecond);
    return new Estimate(position, now.plusMillis(waitMs).truncatedTo(ChronoUnit.MILLIS));
  }

  private Map<String, Integer> positions(Instant now) {
    boolean stale =
        positionsAt == null
            || !now.isBefore(positionsAt.plus(REFRESH))
            || now.isBefore(positionsAt);
    if (stale || (changedSinceWalk && queue.size() <= SMALL_QUEUE)) {
      positions = queue.positions(runningByProject);
      positionsAt = now;
      changedSinceWalk = false;
    }
    return positions;
  }

  private static boolean is(RunState state, RunStatus status) {
    return state != null && state.status() == status;
  }
}
