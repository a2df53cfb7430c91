package dev.hookrun.gateway;

import dev.hookrun.common.run.Priority;
import dev.hookrun.common.run.RunState;
import dev.hookrun.common.run.RunStatus;
import dev.hookrun.common.scheduling.SchedulingPolicy;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * This gateway's picture of every run, folded from the facts the stages write (see {@link
 * RunRecords}): serves status reads, wakes synchronous callers when their run ends, counts each
 * project's unfinished runs, and tells {@link QueueEstimates} every change of a run's status.
 *
 * <p>A run stays readable for the retention after it ended, and while it has not ended for as long
 * as a run can go on (its queue TTL and the longest run time) past the retention, counted from its
 * scheduled time when it has one: a run that waited and ran for a day is still in the view while it
 * runs, and for a day after. A scheduled run turns queued here when its time comes, as the
 * scheduler queues it then. An ended run moves to the back of the view's order, so the oldest
 * entries are always the first to expire.
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
 * <p>Over 300 lines on purpose: the merge rules, the two bounds and the waiters all read and change
 * the same maps on one event loop; split, each piece would need the others' invariants (an evicted
 * run must drop its waiters and its project's count in the same step).
 */
final class RunStateView {

  /** The newest progress a run's model reported (numbered from 1 per run). */
  record Progress(JsonObject progress, long seq, Instant at) {}

  /** Callers waiting on one run (replays of one Idempotency-Key): more wait no better. */
  static final int MAX_WAITERS_PER_RUN = 8;

  private final Vertx vertx;
  private final Duration retention;

  /** How much longer than the retention an unfinished run is kept: queue TTL + MAX_RUN_TIME. */
  private final Duration runLifetime;

  private final int maxEntries;
  private final int maxWaiters;
  private final Clock clock;

  /**
   * In the order runs were first seen, which is their creation order up to the skew between
   * partitions: {@link #sweep} finds the expired ones at the head instead of walking every run.
   */
  private final Map<String, RunState> runs = new LinkedHashMap<>();

  private final Map<String, LinkedHashSet<String>> finishedByProject = new HashMap<>();
  private final Map<String, List<Promise<RunState>>> waiters = new HashMap<>();
  private final Map<String, Integer> unfinishedByProject = new HashMap<>();
  private final Map<String, Progress> progress = new HashMap<>();

  /** Retries: new run → the run it retries, and back. */
  private final Map<String, String> retryOf = new HashMap<>();

  private final Map<String, String> retriedAs = new HashMap<>();

  /**
   * Per "project/app": queued run ids in the order they arrived (oldest first), and running counts.
   */
  private final Map<String, LinkedHashSet<String>> queuedByApp = new HashMap<>();

  private final Map<String, Integer> runningByApp = new HashMap<>();
  private final Map<String, Integer> scheduledByApp = new HashMap<>();

  /** Scheduled runs by their time; one cancelled or gone meanwhile is skipped at its time. */
  private final PriorityQueue<Due> due = new PriorityQueue<>((a, b) -> a.at().compareTo(b.at()));

  private record Due(Instant at, String runId) {}

  private java.util.function.BiConsumer<String, String> onNewApp = (project, app) -> {};
  private java.util.function.BiConsumer<RunState, RunState> onChange = (before, after) -> {};
  private final Map<String, List<Watcher>> watchers = new HashMap<>();
  private int waiting;

  /** A live event stream's hooks: each change of its run, and the run leaving the view. */
  private record Watcher(Consumer<RunState> changed, Runnable gone) {}

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
    this.runLifetime = runLifetime;
    this.estimates = new QueueEstimates(scheduling, clock, QueueEstimates.Walker.offLoop(vertx));
    this.vertx = vertx;
    this.retention = retention;
    this.maxEntries = maxEntries;
    this.maxWaiters = maxWaiters;
    this.clock = clock;
  }

  /** Folds a fact in (also used for the gateway's own writes, so reads see them at once). */
  void apply(RunState incoming) {
    RunState current = runs.get(incoming.runId());
    if (current != null) {
      long gap = gapMillis(current, incoming);
      if (gap < -retention.toMillis()) {
        return; // a late fact of an earlier run under this id (an Idempotency-Key reused after
        // retention)
      }
      if (gap > retention.toMillis()) {
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
    notifyWatchers(merged);
    if (merged.isSettled()) {
      List<Promise<RunState>> woken = waiters.remove(merged.runId());
      if (woken != null) {
        waiting -= woken.size();
        woken.forEach(p -> p.tryComplete(merged));
      }
    }
    while (runs.size() > maxEntries && evictOneFinished()) {
      // evicted one
    }
  }

  /** Folds in a progress report: a newer one (higher number) replaces the one shown. */
  void progress(String runId, Progress report) {
    // kept even before its run is seen (topics are read side by side); sweep() drops orphans
    Progress current = progress.get(runId);
    if (current == null || report.seq() > current.seq()) {
      progress.put(runId, report);
      RunState state = runs.get(runId);
      if (state != null) {
        notifyWatchers(state);
      }
    }
  }

  /** A retry was queued: {@code newRunId} runs the request of {@code oldRunId} again. */
  void retried(String oldRunId, String newRunId) {
    retryOf.put(newRunId, oldRunId);
    retriedAs.put(oldRunId, newRunId);
    RunState old = runs.get(oldRunId);
    if (old != null) {
      notifyWatchers(old);
    }
  }

  String retryOf(String runId) {
    return retryOf.get(runId);
  }

  String retriedAs(String runId) {
    return retriedAs.get(runId);
  }

  Progress progressOf(String runId) {
    return progress.get(runId);
  }

  /**
   * Calls {@code changed} with the run's state at every change (status, webhook, progress), and
   * {@code gone} once if the run leaves the view (expired or evicted; nothing will change it here
   * again), until the returned handle is run. Used by the live event stream.
   */
  Runnable watch(String runId, Consumer<RunState> changed, Runnable gone) {
    Watcher watcher = new Watcher(changed, gone);
    watchers.computeIfAbsent(runId, k -> new ArrayList<>()).add(watcher);
    return () -> {
      List<Watcher> list = watchers.get(runId);
      if (list != null && list.remove(watcher) && list.isEmpty()) {
        watchers.remove(runId);
      }
    };
  }

  private void notifyWatchers(RunState state) {
    List<Watcher> list = watchers.get(state.runId());
    if (list != null) {
      List.copyOf(list).forEach(w -> w.changed().accept(state));
    }
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
    return unfinishedByProject.getOrDefault(project, 0);
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
    List<Promise<RunState>> forRun = waiters.get(runId);
    if (waiting >= maxWaiters || (forRun != null && forRun.size() >= MAX_WAITERS_PER_RUN)) {
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

  /** Releases callers waiting for a run that was never queued (its publish failed). */
  void abandonWaiters(String runId) {
    List<Promise<RunState>> list = waiters.remove(runId);
    if (list != null) {
      waiting -= list.size();
      list.forEach(p -> p.tryComplete(null));
    }
  }

  int waiters() {
    return waiting;
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
      Instant since = orderAnchor(state);
      if (since == null || !since.plus(retention).isBefore(now)) {
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
      due.add(new Due(merged.scheduledFor(), merged.runId()));
    }
    return merged;
  }

  /** Scheduled runs whose time came are queued now, as the scheduler queues them. */
  private void queueDue(Instant now) {
    while (!due.isEmpty() && !due.peek().at().isAfter(now)) {
      RunState state = runs.get(due.poll().runId());
      if (state != null && state.status() == RunStatus.SCHEDULED) {
        apply(state.due(now));
      }
    }
  }

  /**
   * Drops progress and retry links of runs this view does not hold (a fact that came before its
   * run's request, whose run then never appeared); called every minute. Those of runs it holds go
   * with them in {@link #remove}.
   */
  void dropOrphans() {
    progress.keySet().removeIf(runId -> !runs.containsKey(runId));
    retryOf.keySet().removeIf(runId -> !runs.containsKey(runId));
    retriedAs.keySet().removeIf(runId -> !runs.containsKey(runId));
  }

  int size() {
    return runs.size();
  }

  private boolean isExpired(RunState state) {
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
  private static Instant orderAnchor(RunState state) {
    if (state.status().isFinal() && state.completedAt() != null) {
      return state.completedAt();
    }
    return state.createdAt() != null ? state.createdAt() : state.updatedAt();
  }

  private static long gapMillis(RunState current, RunState incoming) {
    if (current.createdAt() == null || incoming.createdAt() == null) {
      return 0;
    }
    return incoming.createdAt().toEpochMilli() - current.createdAt().toEpochMilli();
  }

  /** Evicts the oldest finished run of the project with the most; false when none is finished. */
  private boolean evictOneFinished() {
    LinkedHashSet<String> largest = null;
    for (LinkedHashSet<String> finished : finishedByProject.values()) {
      if (largest == null || finished.size() > largest.size()) {
        largest = finished;
      }
    }
    if (largest == null || largest.isEmpty()) {
      return false;
    }
    Iterator<String> oldest = largest.iterator();
    RunState evicted = runs.get(oldest.next());
    remove(evicted);
    return true;
  }

  private void remove(RunState state) {
    List<Watcher> watching = watchers.remove(state.runId());
    if (watching != null) {
      watching.forEach(w -> w.gone().run());
    }
    runs.remove(state.runId());
    progress.remove(state.runId());
    retryOf.remove(state.runId());
    retriedAs.remove(state.runId());
    untrack(state);
    estimates.changed(state, null);
  }

  /** What {@code GET …/queue} shows for one app. */
  /**
   * @param queuedByPriority queued runs per lane, indexed by {@link Priority#ordinal()}; a run
   *     queued before priorities existed counts as {@code normal}
   */
  record QueueStats(
      int queued,
      int running,
      Double oldestQueuedAgeSeconds,
      int[] queuedByPriority,
      int scheduled) {}

  /** Queued runs of one app: what its gauge reads at every scrape, so a count and no walk. */
  int queuedCount(String project, String app) {
    LinkedHashSet<String> queued = queuedByApp.get(project + "/" + app);
    return queued == null ? 0 : queued.size();
  }

  int runningCount(String project, String app) {
    return runningByApp.getOrDefault(project + "/" + app, 0);
  }

  QueueStats queue(String project, String app) {
    String key = project + "/" + app;
    LinkedHashSet<String> queued = queuedByApp.get(key);
    Double oldestAge = null;
    if (queued != null && !queued.isEmpty()) {
      RunState oldest = runs.get(queued.iterator().next());
      if (oldest != null && oldest.createdAt() != null) {
        oldestAge = Math.max(0, clock.millis() - oldest.createdAt().toEpochMilli()) / 1000.0;
      }
    }
    // counted on demand (GET …/queue and the console): keeping counts per lane would cost every
    // status change a second index; the gauges read queuedCount, which walks nothing
    int[] byPriority = new int[Priority.values().length];
    if (queued != null) {
      for (String runId : queued) {
        RunState run = runs.get(runId);
        Priority lane = run == null || run.priority() == null ? Priority.NORMAL : run.priority();
        byPriority[lane.ordinal()]++;
      }
    }
    return new QueueStats(
        queued == null ? 0 : queued.size(),
        runningByApp.getOrDefault(key, 0),
        oldestAge,
        byPriority,
        scheduledByApp.getOrDefault(key, 0));
  }

  /**
   * The queued runs of one app, oldest first (a copy: the caller may change the view meanwhile).
   */
  List<RunState> queuedRuns(String project, String app) {
    LinkedHashSet<String> queued =
        queuedByApp.getOrDefault(project + "/" + app, new LinkedHashSet<>());
    return queued.stream().map(runs::get).filter(java.util.Objects::nonNull).toList();
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

  /** Every "project/app" this view has seen queued or running, sorted. */
  java.util.SortedSet<String> apps() {
    java.util.SortedSet<String> apps = new java.util.TreeSet<>(queuedByApp.keySet());
    apps.addAll(runningByApp.keySet());
    return apps;
  }

  /** Called once for every project/app this view meets (to register its gauges). */
  void onNewApp(java.util.function.BiConsumer<String, String> listener) {
    this.onNewApp = listener;
  }

  private void track(RunState state) {
    String key = state.project() + "/" + state.app();
    if (state.status() == RunStatus.SCHEDULED) {
      scheduledByApp.merge(key, 1, Integer::sum);
    } else if (state.status() == RunStatus.QUEUED) {
      if (!queuedByApp.containsKey(key) && !runningByApp.containsKey(key)) {
        onNewApp.accept(state.project(), state.app());
      }
      queuedByApp.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(state.runId());
    } else if (state.status() == RunStatus.RUNNING) {
      if (!queuedByApp.containsKey(key) && !runningByApp.containsKey(key)) {
        onNewApp.accept(state.project(), state.app());
      }
      runningByApp.merge(key, 1, Integer::sum);
    }
    if (state.status().isFinal()) {
      finishedByProject
          .computeIfAbsent(state.project(), p -> new LinkedHashSet<>())
          .add(state.runId());
    } else {
      unfinishedByProject.merge(state.project(), 1, Integer::sum);
    }
  }

  private void untrack(RunState state) {
    String key = state.project() + "/" + state.app();
    if (state.status() == RunStatus.SCHEDULED) {
      scheduledByApp.merge(key, -1, (a, b) -> a + b <= 0 ? null : a + b);
    } else if (state.status() == RunStatus.QUEUED) {
      LinkedHashSet<String> queued = queuedByApp.get(key);
      if (queued != null) {
        queued.remove(state.runId());
      }
    } else if (state.status() == RunStatus.RUNNING) {
      runningByApp.merge(key, -1, (a, b) -> Math.max(0, a + b));
    }
    if (state.status().isFinal()) {
      LinkedHashSet<String> finished = finishedByProject.get(state.project());
      if (finished != null) {
        finished.remove(state.runId());
        if (finished.isEmpty()) {
          finishedByProject.remove(state.project());
        }
      }
    } else {
      unfinishedByProject.merge(state.project(), -1, (a, b) -> a + b == 0 ? null : a + b);
    }
  }
}
