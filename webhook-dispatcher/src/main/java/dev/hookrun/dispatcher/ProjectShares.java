package dev.hookrun.dispatcher;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Bounds the deliveries in progress of each project to its share of the dispatcher's budget
 * (DISPATCHER_PROJECT_SHARE of DISPATCHER_MAX_INFLIGHT), so one project's backlog (a dead receiver,
 * a slow one, or just many runs) cannot take every slot and stop the dispatcher from reading the
 * others' results.
 *
 * <p>A delivery of a project at its bound waits its turn in memory, without counting against the
 * budget, while fewer than {@code maxWaiting} deliveries wait over all projects. Beyond that it is
 * refused ({@link ProjectBusy}) and deferred to the first retry tier without spending an attempt,
 * like a delivery to a busy host: keeping it would fill memory, and pausing the consumers for it
 * would hold up every other project's results behind this one's.
 *
 * <p>Not thread-safe: used on the dispatcher's context only.
 */
final class ProjectShares {

  /** Thrown (as a failed future) when a project over its share has no room left to wait. */
  static final class ProjectBusy extends RuntimeException {
    ProjectBusy(String message) {
      super(message, null, false, false);
    }
  }

  private static final class Project {
    int active;
    final ArrayDeque<Promise<Runnable>> waiting = new ArrayDeque<>();
  }

  private final int maxPerProject;
  private final int maxWaiting;
  private final Map<String, Project> projects = new HashMap<>();
  private int waiting;

  ProjectShares(int maxPerProject, int maxWaiting) {
    this.maxPerProject = maxPerProject;
    this.maxWaiting = maxWaiting;
  }

  /** A project's bound: its share of the budget, never less than one delivery. */
  static int perProject(int maxInflight, double share) {
    return Math.max(1, (int) Math.floor(maxInflight * share));
  }

  /**
   * A slot for one delivery of {@code project}, at once (an already completed future) or when one
   * of the project's deliveries finishes; run the returned action exactly once when done.
   */
  Future<Runnable> acquire(String project) {
    Project p = projects.computeIfAbsent(project, k -> new Project());
    if (p.active < maxPerProject) {
      p.active++;
      return Future.succeededFuture(slot(project, p));
    }
    if (waiting >= maxWaiting) {
      return Future.failedFuture(
          new ProjectBusy(
              "project over its share: "
                  + p.active
                  + " deliveries of project "
                  + project
                  + " in progress (DISPATCHER_PROJECT_SHARE) and "
                  + waiting
                  + " deliveries waiting for their project's turn"));
    }
    Promise<Runnable> promise = Promise.promise();
    p.waiting.addLast(promise);
    waiting++;
    return promise.future();
  }

  int active(String project) {
    Project p = projects.get(project);
    return p == null ? 0 : p.active;
  }

  /** Deliveries waiting for their project's turn, over all projects. */
  int waiting() {
    return waiting;
  }

  private Runnable slot(String project, Project p) {
    boolean[] released = {false};
    return () -> {
      if (released[0]) {
        return;
      }
      released[0] = true;
      Promise<Runnable> next = p.waiting.pollFirst();
      if (next != null) {
        waiting--;
        next.complete(slot(project, p)); // the slot passes on; active stays the same
      } else if (--p.active == 0) {
        projects.remove(project);
      }
    };
  }
}
