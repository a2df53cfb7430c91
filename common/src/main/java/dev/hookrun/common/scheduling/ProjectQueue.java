package dev.hookrun.common.scheduling;

import dev.hookrun.common.run.Priority;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * One project's queued runs, one insertion-ordered line per requested priority (so removing a
 * cancelled run from the middle is cheap), and the project's place in the fair rotation.
 */
final class ProjectQueue {

  final String name;

  /** How far one start moves {@link #pass}: inversely proportional to the project's weight. */
  final long stride;

  final int maxRunning;

  /**
   * The virtual time of the project's next start (stride scheduling): the project with the lowest
   * pass among those competing starts next. Kept while the project is idle so that leaving and
   * coming back never moves it ahead; {@link ServingOrder} lifts it to the current virtual time so
   * that being away never earns credit either.
   */
  long pass;

  private final List<LinkedHashMap<String, Ticket>> byPriority = new ArrayList<>();
  private int size;

  ProjectQueue(String name, long stride, int maxRunning) {
    this.name = name;
    this.stride = stride;
    this.maxRunning = maxRunning;
    for (int i = 0; i < Priority.values().length; i++) {
      byPriority.add(new LinkedHashMap<>());
    }
  }

  void add(Ticket ticket) {
    line(ticket.run().priority()).put(ticket.run().runId(), ticket);
    size++;
  }

  void remove(Ticket ticket) {
    if (line(ticket.run().priority()).remove(ticket.run().runId()) != null) {
      size--;
    }
  }

  int size() {
    return size;
  }

  /** The runs of one requested priority, first added first. */
  Iterator<Ticket> inOrder(Priority priority) {
    return line(priority).values().iterator();
  }

  private LinkedHashMap<String, Ticket> line(Priority priority) {
    return byPriority.get(priority.ordinal());
  }
}
