package dev.hookrun.gateway;

import java.time.Instant;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Runs a {@link RunStateView} holds as scheduled, by their time, so the view can queue each when
 * its time comes (as the scheduler queues it then) without walking every run. Its own class because
 * it is a timetable only: one cancelled or gone meanwhile is skipped by the view at its time.
 */
final class DueRuns {

  private record Due(Instant at, String runId) {}

  private final PriorityQueue<Due> due = new PriorityQueue<>((a, b) -> a.at().compareTo(b.at()));

  void add(Instant at, String runId) {
    due.add(new Due(at, runId));
  }

  /** Takes the runs whose time is not after {@code now}, earliest first, one at a time. */
  void takeDue(Instant now, Consumer<String> runId) {
    while (!due.isEmpty() && !due.peek().at().isAfter(now)) {
      runId.accept(due.poll().runId());
    }
  }
}
