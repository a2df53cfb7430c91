package dev.hookrun.scheduler;

import dev.hookrun.common.metrics.Meters;
import dev.hookrun.common.run.Priority;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Queued runs per project and priority, counted on the event loop and read by metric scrapes on
 * other threads. A project's gauges appear when it first queues a run and stay (at 0 when idle).
 */
final class QueuedGauges {

  private final Map<String, AtomicIntegerArray> byProject = new ConcurrentHashMap<>();
  private final List<Runnable> untrack = new CopyOnWriteArrayList<>();

  void add(String project, Priority priority) {
    counts(project).incrementAndGet(priority.ordinal());
  }

  void remove(String project, Priority priority) {
    counts(project).decrementAndGet(priority.ordinal());
  }

  int queued(String project, Priority priority) {
    AtomicIntegerArray counts = byProject.get(project);
    return counts == null ? 0 : counts.get(priority.ordinal());
  }

  /** Stops exporting: this scheduler's counts leave the gauges. */
  void close() {
    untrack.forEach(Runnable::run);
    untrack.clear();
  }

  private AtomicIntegerArray counts(String project) {
    return byProject.computeIfAbsent(
        project,
        p -> {
          AtomicIntegerArray counts = new AtomicIntegerArray(Priority.values().length);
          for (Priority priority : Priority.values()) {
            untrack.add(
                Meters.trackScheduled(p, priority.wire(), () -> counts.get(priority.ordinal())));
          }
          return counts;
        });
  }
}
