package dev.hookrun.gateway;

import dev.hookrun.common.run.RunState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This gateway's picture of every run, built from the run-state topic: serves status reads,
 * wakes synchronous callers when their run ends, and counts each project's unfinished runs.
 *
 * <p>Bounded twice: entries older than the retention go, and beyond the maximum entry count the
 * oldest go first. Lives on the gateway verticle's event loop, like the handlers that use it.
 */
final class RunStateView {

  private static final Logger LOG = LoggerFactory.getLogger(RunStateView.class);

  private final Vertx vertx;
  private final Duration retention;
  private final int maxEntries;
  private final Clock clock;
  private final LinkedHashMap<String, RunState> runs = new LinkedHashMap<>();
  private final Map<String, List<Promise<RunState>>> waiters = new HashMap<>();
  private final Map<String, Integer> unfinishedByProject = new HashMap<>();

  RunStateView(Vertx vertx, Duration retention, int maxEntries, Clock clock) {
    this.vertx = vertx;
    this.retention = retention;
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  void onRecords(List<ConsumerRecord<String, String>> records) {
    for (ConsumerRecord<String, String> record : records) {
      if (record.value() == null) {
        continue; // a tombstone: nothing to show
      }
      try {
        apply(RunState.fromJson(new JsonObject(record.value())));
      } catch (RuntimeException e) {
        LOG.warn("skipping unreadable run state {}@{}: {}", record.key(), record.offset(), e.toString());
      }
    }
  }

  /** Folds a state in (also used for the gateway's own writes, so reads see them at once). */
  void apply(RunState incoming) {
    RunState current = runs.remove(incoming.runId());
    RunState merged = RunState.merge(current, incoming);
    if (isExpired(merged)) {
      if (current != null) {
        countUnfinished(current, -1);
      }
      return;
    }
    runs.put(merged.runId(), merged); // re-insert: the map's order is "least recently changed first"
    if (current != null) {
      countUnfinished(current, -1);
    }
    countUnfinished(merged, +1);
    if (merged.status().isFinal()) {
      List<Promise<RunState>> waiting = waiters.remove(merged.runId());
      if (waiting != null) {
        waiting.forEach(p -> p.tryComplete(merged));
      }
    }
    while (runs.size() > maxEntries) {
      evictEldest();
    }
  }

  RunState get(String runId) {
    RunState state = runs.get(runId);
    return state == null || isExpired(state) ? null : state;
  }

  int unfinished(String project) {
    return unfinishedByProject.getOrDefault(project, 0);
  }

  /**
   * Completes with the run's final state, or with null after {@code timeout}. Register before
   * publishing the request, so an outcome faster than the acknowledgement is not missed.
   */
  Future<RunState> awaitFinal(String runId, Duration timeout) {
    RunState known = runs.get(runId);
    if (known != null && known.status().isFinal()) {
      return Future.succeededFuture(known);
    }
    Promise<RunState> promise = Promise.promise();
    waiters.computeIfAbsent(runId, k -> new ArrayList<>()).add(promise);
    long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> {
      List<Promise<RunState>> waiting = waiters.get(runId);
      if (waiting != null) {
        waiting.remove(promise);
        if (waiting.isEmpty()) {
          waiters.remove(runId);
        }
      }
      promise.tryComplete(null);
    });
    return promise.future().onComplete(x -> vertx.cancelTimer(timer));
  }

  /** Releases callers waiting for a run that was never queued (its publish failed). */
  void abandonWaiters(String runId) {
    List<Promise<RunState>> waiting = waiters.remove(runId);
    if (waiting != null) {
      waiting.forEach(p -> p.tryComplete(null));
    }
  }

  /** Drops runs past the retention; called periodically. */
  void sweep() {
    Iterator<RunState> it = runs.values().iterator();
    while (it.hasNext()) {
      RunState state = it.next();
      if (isExpired(state)) {
        it.remove();
        countUnfinished(state, -1);
      }
    }
  }

  int size() {
    return runs.size();
  }

  private boolean isExpired(RunState state) {
    Instant born = state.createdAt() != null ? state.createdAt() : state.updatedAt();
    return born != null && born.plus(retention).isBefore(clock.instant());
  }

  private void evictEldest() {
    Iterator<RunState> it = runs.values().iterator();
    RunState eldest = it.next();
    it.remove();
    countUnfinished(eldest, -1);
  }

  private void countUnfinished(RunState state, int delta) {
    if (!state.status().isFinal()) {
      unfinishedByProject.merge(state.project(), delta, (a, b) -> a + b == 0 ? null : a + b);
    }
  }
}
