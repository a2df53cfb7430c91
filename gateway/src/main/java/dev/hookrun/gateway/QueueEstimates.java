package dev.hookrun.gateway;

import dev.hookrun.common.run.Priority;
import dev.hookrun.common.run.RunStatus;
import dev.hookrun.common.scheduling.FairQueue;
import dev.hookrun.common.scheduling.QueuedRun;
import dev.hookrun.common.scheduling.SchedulingPolicy;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

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
 * <p>Lives on the view's event loop, which tells it every change of a run's status. Building the
 * queue and walking it took 0.1 to 0.2 s per 100,000 queued runs (10 to 100 projects, on a busy
 * 2-core machine), so a big queue is walked by the {@link Walker}, away from the loop that answers
 * predicts, from a copy that takes the loop under 2 ms to make.
 */
final class QueueEstimates {

  /** A queued run's estimate; either part is null when it cannot be told. */
  record Estimate(Integer position, Instant startAt) {}

  /** Runs a walk of a big queue and hands its positions back on the event loop (null: failed). */
  interface Walker {
    void walk(Supplier<Map<String, Integer>> walk, Consumer<Map<String, Integer>> done);

    /** On a Vert.x worker thread; the result comes back on the calling event loop. */
    static Walker offLoop(Vertx vertx) {
      return (walk, done) ->
          vertx
              .executeBlocking(walk::get, false)
              .onComplete(walked -> done.accept(walked.succeeded() ? walked.result() : null));
    }

    /** Right away, on the caller's thread. */
    static Walker inline() {
      return (walk, done) -> done.accept(walk.get());
    }
  }

  /** A big queue is walked again at most this often... */
  static final Duration REFRESH = Duration.ofSeconds(1);

  /**
   * ...and a queue this small on the loop whenever it changed: under a millisecond, and a run's
   * first status read right after its predict shows its place.
   */
  static final int SMALL_QUEUE = 1_000;

  private final SchedulingPolicy policy;
  private final Clock clock;
  private final Walker walker;
  private final StartRate starts;

  /**
   * Queued runs in the order the view met them, which is their creation order up to the skew
   * between request partitions: the order the scheduler reads them in too.
   */
  private final Map<String, QueuedRun> queued = new LinkedHashMap<>();

  private final Map<String, Integer> runningByProject = new HashMap<>();
  private Map<String, Integer> positions = Map.of();
  private Instant positionsAt;
  private boolean changedSinceWalk;
  private boolean walking;

  /** Counts walks, so a walk that ends after a newer one does not replace its positions. */
  private long walks;

  QueueEstimates(SchedulingPolicy policy, Clock clock, Walker walker) {
    this.policy = policy;
    this.clock = clock;
    this.walker = walker;
    this.starts = new StartRate(clock.instant());
  }

  /** Follows one run from {@code before} to {@code after} (null: not in the view). */
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
      queued.remove(before.runId());
      changedSinceWalk = true;
    } else if (isQueued && !wasQueued) {
      Priority priority = after.priority() == null ? Priority.NORMAL : after.priority();
      Instant created = after.createdAt() == null ? clock.instant() : after.createdAt();
      queued.put(after.runId(), new QueuedRun(after.runId(), after.project(), priority, created));
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
    if (queued.size() <= SMALL_QUEUE) {
      if (stale || changedSinceWalk) {
        walks++;
        positions = walk(queued.values(), runningByProject, now);
        positionsAt = now;
        changedSinceWalk = false;
      }
    } else if (stale && !walking) {
      walking = true;
      positionsAt = now;
      changedSinceWalk = false;
      List<QueuedRun> runs = List.copyOf(queued.values());
      Map<String, Integer> running = Map.copyOf(runningByProject);
      long walk = ++walks;
      walker.walk(
          () -> walk(runs, running, now),
          walked -> {
            walking = false;
            if (walked != null && walk == walks) {
              positions = walked;
            }
          });
    }
    return positions;
  }

  /** The places {@code runs} start in; touches nothing of this object, so any thread may run it. */
  private Map<String, Integer> walk(
      Collection<QueuedRun> runs, Map<String, Integer> running, Instant now) {
    FairQueue queue = new FairQueue(policy, Clock.fixed(now, ZoneOffset.UTC));
    runs.forEach(queue::add);
    return queue.positions(running);
  }

  private static boolean is(RunState state, RunStatus status) {
    return state != null && state.status() == status;
  }
}
