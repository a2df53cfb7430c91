package dev.hookrun.gateway;

import dev.hookrun.common.run.RunStatus;
import dev.hookrun.common.scheduling.SchedulingPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * This gateway's picture of every run, folded from the facts the stages write (see {@link
 * RunRecords}): serves status reads, wakes synchronous callers when their run ends, counts each
 * project's unfinished runs, and tells {@link QueueEstimates} every change of a run's status.
 *
 * <p>A run stays readable for the retention (see {@link RunRetention}). A scheduled run turns
 * queued here when its time comes, as the scheduler queues it then. An ended run moves to the back
 * of the view's order, so the oldest entries are always the first to expire.
 *
 * <p>Bounded twice: entries older than the retention go, and beyond the maximum entry count the
 * oldest <em>finished</em> run of the project holding the most finished runs goes first. Unfinished
 * runs are never evicted (each project's are bounded by its quota), so a burst from one project
 * neither hides another project's runs nor lowers its own unfinished count. Synchronous waiters are
 * bounded too: past the bound a caller gets the 202 overflow answer at once instead of holding a
 * connection for SYNC_TIMEOUT.
 *
 * <p>Lives on the gateway verticle's event loop, like the handlers that use it.
 *
 * <p>The view keeps the runs, their retention and the two bounds; what hangs off a run's changes is
 * kept beside it: the retention rules ({@link RunRetention}), the per-project and per-app counts
 * ({@link ProjectRuns}, {@link AppQueues}), progress and retry links ({@link RunNotes}), the
 * synchronous callers ({@link RunWaiters}), the event streams ({@link RunWatchers}) and the
 * scheduled runs' timetable ({@link DueRuns}). Every change goes through {@link #apply} and {@link
 * #remove}, which keep them in step (an evicted run drops its watchers and its counts in the same
 * step). Still over 300 lines for that reason: what stays is the fold, the sweep and the eviction
 * over the one ordered map of runs, and the short doors through which the handlers reach the parts.
 */
final class RunStateView {

  /** The newest progress a run's model reported (numbered from 1 per run). */
  record Progress(JsonObject progress, long seq, Instant at) {}

  /** Callers waiting on one run (replays of one Idempotency-Key): more wait no better. */
  static final int MAX_WAITERS_PER_RUN = 8;

  private final RunRetention retention;
  private final int maxEntries;
  private final Clock clock;

  /**
   * In the order runs were first seen, which is their creation order up to the skew between
   * partitions: {@link #sweep} finds the expired ones at the head instead of walking every run.
   */
  private final Map<String, RunState> runs = new LinkedHashMap<>();

  private final ProjectRuns projects = new ProjectRuns();
  private final RunNotes notes = new RunNotes();
  private final AppQueues appQueues;
  private final DueRuns due = new DueRuns();
  private java.util.function.BiConsumer<RunState, RunState> onChange = (before, after) -> {};
  private final RunWatchers watchers = new RunWatchers();
  private final RunWaiters waiters;

  /** Queue positions and start estimates of the queued runs, by the scheduler's rules. */
  private final QueueEstimates estimates;

  RunStateView(Vertx vertx, Duration retention, int maxEntries, int maxWaiters, Clock clock) {
    this(
        vertx,
        retention,
        Duration.ZERO,
        maxEntries,
        maxWaiters,
        clock,
        SchedulingPolicy.unlimited());
  }

  /**
   * @param runLifetime how long a run may go on before some stage ends it (queue TTL + the longest
   *     run time): an unfinished run is kept that long past the retention, then it goes too (its
   *     outcome was lost, or was written before this view's look-back)
   */
  RunStateView(
      Vertx vertx,
      Duration retention,
      Duration runLifetime,
      int maxEntries,
      int maxWaiters,
      Clock clock,
      SchedulingPolicy scheduling) {
    this.estimates = new QueueEstimates(scheduling, clock, QueueEstimates.Walker.offLoop(vertx));
    this.retention = new RunRetention(retention, runLifetime, clock);
    this.maxEntries = maxEntries;
    this.waiters = new RunWaiters(vertx, maxWaiters);
    this.clock = clock;
    this.appQueues = new AppQueues(runs::get, clock);
  }

  /** Folds a fact in (also used for the gateway's own writes, so reads see them at once). */
  void apply(RunState incoming) {
    RunState current = runs.get(incoming.runId());
    if (current != null) {
      long gap = RunRetention.gapMillis(current, incoming);
      if (gap < -retention.retention().toMillis()) {
        return; // a late fact of an earlier run under this id (an Idempotency-Key reused after
        // retention)
      }
      if (gap > retention.retention().toMillis()) {
        remove(current); // the key was reused after its first run left the retention: a new run
        current = null;
      }
    }
    RunState merged = dueIfTimeCame(RunState.merge(current, incoming), current);
    if (isExpired(merged)) {
      if (current != null) {
        remove(current);
      }
      return;
    }
    if (current != null) {
      untrack(current);
      if (merged.status().isFinal() && !current.status().isFinal()) {
        runs.remove(merged.runId()); // to the back: it expires a retention after it ended
      }
    }
    runs.put(merged.runId(), merged);
    track(merged);
    estimates.changed(current, merged);
    onChange.accept(current, merged);
    watchers.changed(merged);
    if (merged.isSettled()) {
      waiters.settled(merged);
    }
    while (runs.size() > maxEntries && evictOneFinished()) {
      // evicted one
    }
  }

  /** Folds in a progress report: a newer one (higher number) replaces the one shown. */
  void progress(String runId, Progress report) {
    // kept even before its run is seen (topics are read side by side); sweep() drops orphans
    if (notes.progress(runId, report)) {
      RunState state = runs.get(runId);
      if (state != null) {
        watchers.changed(state);
      }
    }
  }

  /** A retry was queued: {@code newRunId} runs the request of {@code oldRunId} again. */
  void retried(String oldRunId, String newRunId) {
    notes.retried(oldRunId, newRunId);
    RunState old = runs.get(oldRunId);
    if (old != null) {
      watchers.changed(old);
    }
  }

  String retryOf(String runId) {
    return notes.retryOf(runId);
  }

  String retriedAs(String runId) {
    return notes.retriedAs(runId);
  }

  Progress progressOf(String runId) {
    return notes.progressOf(runId);
  }

  /**
   * Calls {@code changed} with the run's state at every change (status, webhook, progress), and
   * {@code gone} once if the run leaves the view (expired or evicted; nothing will change it here
   * again), until the returned handle is run. Used by the live event stream.
   */
  Runnable watch(String runId, Consumer<RunState> changed, Runnable gone) {
    return watchers.watch(runId, changed, gone);
  }

  RunState get(String runId) {
    RunState state = runs.get(runId);
    return state == null || isExpired(state) ? null : state;
  }

  /** Where a queued run stands in the installation's queue, and when it may start. */
  QueueEstimates.Estimate estimate(String runId) {
    return estimates.of(runId);
  }

  int unfinished(String project) {
    return projects.unfinished(project);
  }

  /**
   * Completes with the run's final state, or with null after {@code timeout} — or at once when too
   * many callers already wait. Register before publishing the request, so an outcome faster than
   * the acknowledgement is not missed.
   */
  Future<RunState> awaitFinal(String runId, Duration timeout) {
    RunState known = runs.get(runId);
    if (known != null && known.isSettled()) {
      return Future.succeededFuture(known);
    }
    return waiters.await(runId, timeout);
  }

  /** Releases callers waiting for a run that was never queued (its publish failed). */
  void abandonWaiters(String runId) {
    waiters.abandon(runId);
  }

  int waiters() {
    return waiters.count();
  }

  /**
   * Drops runs past the retention, oldest first and at most {@code limit} of them; called several
   * times a second. It stops at the first run still within the retention, so a run seen out of
   * creation order goes as soon as the ones seen before it (the skew is seconds; retention is
   * hours). Walking all runs at once instead held the event loop that answers predicts for
   * milliseconds per hundred thousand runs.
   */
  void sweep(int limit) {
    Instant now = clock.instant();
    queueDue(now);
    List<RunState> expired = new ArrayList<>();
    int walked = 0;
    for (Iterator<RunState> oldest = runs.values().iterator();
        oldest.hasNext() && expired.size() < limit && walked < 10 * limit;
        walked++) {
      RunState state = oldest.next();
      Instant since = RunRetention.orderAnchor(state);
      if (since == null || !since.plus(retention.retention()).isBefore(now)) {
        break; // in order: every later entry is younger
      }
      if (isExpired(state)) {
        expired.add(state);
      } // else an unfinished run past the retention: kept while it may still end, walked past
    }
    expired.forEach(this::remove);
  }

  /**
   * A scheduled run read after its time is queued; one still ahead waits for it in {@link #due}.
   */
  private RunState dueIfTimeCame(RunState merged, RunState current) {
    if (merged.status() != RunStatus.SCHEDULED) {
      return merged;
    }
    Instant now = clock.instant();
    if (!merged.scheduledFor().isAfter(now)) {
      return merged.due(now);
    }
    if (current == null || current.status() != RunStatus.SCHEDULED) {
      due.add(merged.scheduledFor(), merged.runId());
    }
    return merged;
  }

  /** Scheduled runs whose time came are queued now, as the scheduler queues them. */
  private void queueDue(Instant now) {
    due.takeDue(
        now,
        runId -> {
          RunState state = runs.get(runId);
          if (state != null && state.status() == RunStatus.SCHEDULED) {
            apply(state.due(now));
          }
        });
  }

  /**
   * Drops progress and retry links of runs this view does not hold (a fact that came before its
   * run's request, whose run then never appeared); called every minute. Those of runs it holds go
   * with them in {@link #remove}.
   */
  void dropOrphans() {
    notes.dropOrphans(runs.keySet());
  }

  int size() {
    return runs.size();
  }

  private boolean isExpired(RunState state) {
    return retention.isExpired(state);
  }

  /** Evicts the oldest finished run of the project with the most; false when none is finished. */
  private boolean evictOneFinished() {
    String oldest = projects.oldestFinishedOfLargest();
    if (oldest == null) {
      return false;
    }
    RunState evicted = runs.get(oldest);
    remove(evicted);
    return true;
  }

  private void remove(RunState state) {
    watchers.gone(state.runId());
    runs.remove(state.runId());
    notes.remove(state.runId());
    untrack(state);
    estimates.changed(state, null);
  }

  /** The per-app counts: what {@code GET …/queue}, the console and the queue gauges read. */
  AppQueues queues() {
    return appQueues;
  }

  /**
   * Up to {@code limit} runs that {@code filter} takes, newest first (by when the view first saw
   * them): a walk of the whole view, for an operator's search, not for a request path.
   */
  List<RunState> newest(java.util.function.Predicate<RunState> filter, int limit) {
    java.util.ArrayDeque<RunState> last = new java.util.ArrayDeque<>(Math.min(limit, 1_024));
    for (RunState state : runs.values()) {
      if (filter.test(state)) {
        if (last.size() == limit) {
          last.pollFirst();
        }
        last.addLast(state);
      }
    }
    List<RunState> out = new java.util.ArrayList<>(last.size());
    last.descendingIterator().forEachRemaining(out::add);
    return out;
  }

  /**
   * Called with a run's state before (null when new) and after each fact folded in; listeners are
   * called in the order they were added.
   */
  void onChange(java.util.function.BiConsumer<RunState, RunState> listener) {
    this.onChange = this.onChange.andThen(listener);
  }

  private void track(RunState state) {
    appQueues.track(state);
    projects.track(state);
  }

  private void untrack(RunState state) {
    appQueues.untrack(state);
    projects.untrack(state);
  }
}
