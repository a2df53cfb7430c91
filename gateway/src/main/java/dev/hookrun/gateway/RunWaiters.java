package dev.hookrun.gateway;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The synchronous callers of a {@link RunStateView} waiting for their run to settle, each with its
 * timeout, and the two bounds on them (in all, and per run). Its own class because nothing else in
 * the view reads the promises or the count: the view only tells it when a run settled.
 */
final class RunWaiters {

  private final Vertx vertx;
  private final int maxWaiters;
  private final Map<String, List<Promise<RunState>>> waiters = new HashMap<>();
  private int waiting;

  RunWaiters(Vertx vertx, int maxWaiters) {
    this.vertx = vertx;
    this.maxWaiters = maxWaiters;
  }

  /**
   * Completes with the run's final state, or with null after {@code timeout} — or at once when too
   * many callers already wait.
   */
  Future<RunState> await(String runId, Duration timeout) {
    List<Promise<RunState>> forRun = waiters.get(runId);
    if (waiting >= maxWaiters
        || (forRun != null && forRun.size() >= RunStateView.MAX_WAITERS_PER_RUN)) {
      return Future.succeededFuture(null);
    }
    Promise<RunState> promise = Promise.promise();
    waiters.computeIfAbsent(runId, k -> new ArrayList<>()).add(promise);
    waiting++;
    long timer =
        vertx.setTimer(
            Math.max(1, timeout.toMillis()),
            t -> {
              List<Promise<RunState>> list = waiters.get(runId);
              if (list != null && list.remove(promise)) {
                waiting--;
                if (list.isEmpty()) {
                  waiters.remove(runId);
                }
              }
              promise.tryComplete(null);
            });
    return promise.future().onComplete(x -> vertx.cancelTimer(timer));
  }

  /** Wakes the callers waiting for {@code settled}'s run with its state. */
  void settled(RunState settled) {
    List<Promise<RunState>> woken = waiters.remove(settled.runId());
    if (woken != null) {
      waiting -= woken.size();
      woken.forEach(p -> p.tryComplete(settled));
    }
  }

  /** Releases the callers waiting for a run with null. */
  void abandon(String runId) {
    List<Promise<RunState>> list = waiters.remove(runId);
    if (list != null) {
      waiting -= list.size();
      list.forEach(p -> p.tryComplete(null));
    }
  }

  int count() {
    return waiting;
  }
}
