package dev.hookrun.common.scheduling;

import dev.hookrun.common.run.Priority;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Walks queued runs in the order {@link FairQueue#next} starts them, reading the projects' lines
 * without changing them. {@code next} takes the first step of a walk and applies it; {@link
 * FairQueue#positions} takes every step, which is why positions always agree with {@code next}.
 *
 * <p>Each step: among projects with a queued run and a free slot, those whose best run is at the
 * most urgent level compete; the one with the lowest pass wins (ties: the earlier-added run) and
 * its pass moves on by its stride. A competitor's pass is first lifted to the virtual time — the
 * lowest pass among the competitors after the previous start — so a project that was idle, capped
 * or outranked comes back level with the others instead of with a burst of saved-up starts. For a
 * project that kept competing the lift changes nothing: its pass is never below that minimum.
 */
final class ServingOrder {

  private final Levels levels;
  private final Cursor[] cursors;
  private long virtualTime;
  private boolean capsApply;

  ServingOrder(
      Collection<ProjectQueue> projects,
      Map<String, Integer> runningByProject,
      Levels levels,
      long virtualTime) {
    this.levels = levels;
    this.virtualTime = virtualTime;
    this.cursors = new Cursor[projects.size()];
    int i = 0;
    for (ProjectQueue project : projects) {
      Integer running = runningByProject.get(project.name);
      cursors[i++] = new Cursor(project, running == null ? 0 : running, levels);
    }
  }

  long virtualTime() {
    return virtualTime;
  }

  /**
   * The project whose run starts next, or null when no run is left or, while {@code capsApply},
   * every project with runs left is at its cap.
   */
  Cursor pick(boolean capsApply) {
    this.capsApply = capsApply;
    Cursor best = null;
    for (Cursor cursor : cursors) {
      if (eligible(cursor) && (best == null || cursor.beats(best, virtualTime))) {
        best = cursor;
      }
    }
    return best;
  }

  /** Starts the picked project's run: advances its pass, the virtual time and its running count. */
  Ticket start(Cursor winner) {
    long othersLowest = Long.MAX_VALUE;
    for (Cursor cursor : cursors) {
      if (cursor != winner && eligible(cursor) && cursor.level == winner.level) {
        othersLowest = Math.min(othersLowest, Math.max(cursor.pass, virtualTime));
      }
    }
    Ticket started = winner.candidate;
    winner.pass = Math.max(winner.pass, virtualTime) + winner.project.stride;
    virtualTime = Math.min(winner.pass, othersLowest);
    if (winner.running < Integer.MAX_VALUE) {
      winner.running++;
    }
    winner.moveOn(started.run().priority(), levels);
    return started;
  }

  private boolean eligible(Cursor cursor) {
    return cursor.candidate != null && (!capsApply || cursor.running < cursor.project.maxRunning);
  }

  /** One project during a walk: the head of each of its lines, and its pass and running count. */
  static final class Cursor {
    final ProjectQueue project;
    private final Iterator<Ticket>[] lines;
    private final Ticket[] heads;
    long pass;
    private int running;

    /** The run this project would start now: its most urgent, then earliest-added, head. */
    private Ticket candidate;

    private int level;

    @SuppressWarnings("unchecked")
    private Cursor(ProjectQueue project, int running, Levels levels) {
      this.project = project;
      this.pass = project.pass;
      this.running = running;
      Priority[] priorities = Priority.values();
      this.lines = new Iterator[priorities.length];
      this.heads = new Ticket[priorities.length];
      for (Priority priority : priorities) {
        lines[priority.ordinal()] = project.inOrder(priority);
        heads[priority.ordinal()] = next(lines[priority.ordinal()]);
      }
      chooseCandidate(levels);
    }

    private void moveOn(Priority line, Levels levels) {
      heads[line.ordinal()] = next(lines[line.ordinal()]);
      chooseCandidate(levels);
    }

    /**
     * Only each line's head can be the candidate: within a project and requested priority runs
     * start in the order they were added, even if a later one claims an earlier queuedAt.
     */
    private void chooseCandidate(Levels levels) {
      candidate = null;
      for (Ticket head : heads) {
        if (head == null) {
          continue;
        }
        int headLevel = levels.of(head.run());
        if (candidate == null
            || headLevel < level
            || (headLevel == level && head.seq() < candidate.seq())) {
          candidate = head;
          level = headLevel;
        }
      }
    }

    private boolean beats(Cursor other, long virtualTime) {
      if (level != other.level) {
        return level < other.level;
      }
      long mine = Math.max(pass, virtualTime);
      long theirs = Math.max(other.pass, virtualTime);
      if (mine != theirs) {
        return mine < theirs;
      }
      return candidate.seq() < other.candidate.seq();
    }

    private static Ticket next(Iterator<Ticket> line) {
      return line.hasNext() ? line.next() : null;
    }
  }
}
