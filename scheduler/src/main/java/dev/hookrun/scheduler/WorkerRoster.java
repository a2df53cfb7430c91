package dev.hookrun.scheduler;

import dev.hookrun.common.run.WorkerHeartbeat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every worker's newest heartbeat: which workers are live (up, and heard from within the lease
 * timeout), how many slots they offer, and which left since the last look, by dying (silent past
 * the lease) or on purpose (a {@code left} heartbeat).
 *
 * <p>A heartbeat's own time ({@code at}) decides its age, not when it was read: a restarted
 * scheduler reading the workers topic must not take workers that stopped an hour ago for live. Used
 * on the scheduler's event loop only.
 */
final class WorkerRoster {

  /** Why a worker's runs are released again. */
  enum Reason {
    /** Silent past the lease timeout: its runs get a new attempt. */
    LOST("lost"),
    /** Stopped on purpose and handed its runs back: the same attempt again. */
    HANDED_BACK("handed_back");

    final String wire;

    Reason(String wire) {
      this.wire = wire;
    }
  }

  record Gone(String workerId, Reason reason) {}

  private final Clock clock;
  private final Duration leaseTimeout;
  private final Map<String, WorkerHeartbeat> newest = new HashMap<>();

  /** Workers already reported gone; a newer heartbeat takes a worker off. */
  private final Set<String> reported = new HashSet<>();

  WorkerRoster(Clock clock, Duration leaseTimeout) {
    this.clock = clock;
    this.leaseTimeout = leaseTimeout;
  }

  void onHeartbeat(WorkerHeartbeat heartbeat) {
    WorkerHeartbeat known = newest.get(heartbeat.workerId());
    if (known != null && heartbeat.at().isBefore(known.at())) {
      return; // an older heartbeat read late says nothing new
    }
    newest.put(heartbeat.workerId(), heartbeat);
    reported.remove(heartbeat.workerId());
  }

  /** Workers up and heard from within the lease. */
  int liveWorkers() {
    int live = 0;
    Instant now = clock.instant();
    for (WorkerHeartbeat heartbeat : newest.values()) {
      if (isLive(heartbeat, now)) {
        live++;
      }
    }
    return live;
  }

  /** The slots of the live workers. */
  int slots() {
    long slots = 0;
    Instant now = clock.instant();
    for (WorkerHeartbeat heartbeat : newest.values()) {
      if (isLive(heartbeat, now)) {
        slots += Math.max(0, heartbeat.slots());
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, slots);
  }

  /**
   * Why the worker's runs should go to other workers (its newest heartbeat says it left, or is
   * older than the lease), or null while it is live or unknown.
   */
  Reason goneFor(String workerId) {
    WorkerHeartbeat heartbeat = newest.get(workerId);
    return heartbeat == null || isLive(heartbeat, clock.instant()) ? null : reason(heartbeat);
  }

  /** Workers gone since the last call (each reported once until it is heard from again). */
  List<Gone> newlyGone() {
    List<Gone> gone = new ArrayList<>();
    Instant now = clock.instant();
    for (WorkerHeartbeat heartbeat : newest.values()) {
      if (!isLive(heartbeat, now) && reported.add(heartbeat.workerId())) {
        gone.add(new Gone(heartbeat.workerId(), reason(heartbeat)));
      }
    }
    return gone;
  }

  private static Reason reason(WorkerHeartbeat heartbeat) {
    return heartbeat.state() == WorkerHeartbeat.State.LEFT ? Reason.HANDED_BACK : Reason.LOST;
  }

  private boolean isLive(WorkerHeartbeat heartbeat, Instant now) {
    return heartbeat.state() == WorkerHeartbeat.State.UP
        && !heartbeat.at().plus(leaseTimeout).isBefore(now);
  }
}
