package dev.hookrun.scheduler;

import java.time.Clock;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * The runs a {@link Scheduler} holds for their scheduled time, by that time, and the one timer that
 * wakes the scheduler at the earliest: asked again only when an earlier time comes in or the one
 * asked for has passed, so there is one timer at a time, not one per run. Its own class because the
 * timetable and the timer's bookkeeping are apart from the queue's decisions; a run cancelled
 * meanwhile stays here until its time and the scheduler skips it then.
 */
final class ScheduledWakeUps {

  private record At(Instant at, String runId) {}

  private final PriorityQueue<At> scheduled =
      new PriorityQueue<>((a, b) -> a.at().compareTo(b.at()));
  private final Clock clock;

  /** Asked to wake the scheduler at a time: the next scheduled run's, so it starts on time. */
  private Consumer<Instant> wakeAt = at -> {};

  private Instant wakeArmedFor;

  ScheduledWakeUps(Clock clock) {
    this.clock = clock;
  }

  void add(Instant at, String runId) {
    scheduled.add(new At(at, runId));
    armWakeUp();
  }

  /** Hands over the runs whose time has come, earliest first, then asks for the next wake-up. */
  void takeDue(Instant now, Consumer<String> runId) {
    while (!scheduled.isEmpty() && !now.isBefore(scheduled.peek().at())) {
      runId.accept(scheduled.poll().runId());
    }
    armWakeUp();
  }

  void wakeAt(Consumer<Instant> wakeAt) {
    this.wakeAt = wakeAt;
    wakeArmedFor = null;
    armWakeUp();
  }

  /** The timer asked for went off: the next change asks for a new one. */
  void woke() {
    wakeArmedFor = null;
  }

  private void armWakeUp() {
    At next = scheduled.peek();
    if (next == null) {
      return;
    }
    if (wakeArmedFor == null
        || next.at().isBefore(wakeArmedFor)
        || !wakeArmedFor.isAfter(clock.instant())) {
      wakeArmedFor = next.at();
      wakeAt.accept(next.at());
    }
  }
}
