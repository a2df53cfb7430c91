package dev.hookrun.gateway;

import dev.hookrun.common.run.Priority;
import dev.hookrun.common.run.RunStatus;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Per "project/app" counts of a {@link RunStateView}: the queued runs in the order they arrived
 * (oldest first), how many run, how many wait for their scheduled time. Kept apart from the view's
 * retention and bounds because it is what {@code GET …/queue}, the console and the queue gauges
 * read; the view keeps it in step by calling {@link #track} and {@link #untrack} in the same step
 * it changes a run.
 */
final class AppQueues {

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

  private final Map<String, LinkedHashSet<String>> queuedByApp = new HashMap<>();
  private final Map<String, Integer> runningByApp = new HashMap<>();
  private final Map<String, Integer> scheduledByApp = new HashMap<>();
  private BiConsumer<String, String> onNewApp = (project, app) -> {};

  /** The view's runs by id (null when it holds none), to read the queued runs' states. */
  private final Function<String, RunState> runs;

  private final Clock clock;

  AppQueues(Function<String, RunState> runs, Clock clock) {
    this.runs = runs;
    this.clock = clock;
  }

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
      RunState oldest = runs.apply(queued.iterator().next());
      if (oldest != null && oldest.createdAt() != null) {
        oldestAge = Math.max(0, clock.millis() - oldest.createdAt().toEpochMilli()) / 1000.0;
      }
    }
    // counted on demand (GET …/queue and the console): keeping counts per lane would cost every
    // status change a second index; the gauges read queuedCount, which walks nothing
    int[] byPriority = new int[Priority.values().length];
    if (queued != null) {
      for (String runId : queued) {
        RunState run = runs.apply(runId);
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
    return queued.stream().map(runs).filter(java.util.Objects::nonNull).toList();
  }

  /** Every "project/app" seen queued or running, sorted. */
  java.util.SortedSet<String> apps() {
    java.util.SortedSet<String> apps = new java.util.TreeSet<>(queuedByApp.keySet());
    apps.addAll(runningByApp.keySet());
    return apps;
  }

  /** Called once for every project/app met (to register its gauges). */
  void onNewApp(BiConsumer<String, String> listener) {
    this.onNewApp = listener;
  }

  void track(RunState state) {
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
  }

  void untrack(RunState state) {
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
  }
}
