package dev.hookrun.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hookrun.common.run.WorkerHeartbeat;
import dev.hookrun.common.run.WorkerHeartbeat.State;
import dev.hookrun.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerRosterTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final WorkerRoster roster = new WorkerRoster(clock, Duration.ofSeconds(15));

  private void beat(String worker, int slots, State state) {
    roster.onHeartbeat(new WorkerHeartbeat(worker, slots, 0, state, clock.instant()));
  }

  @Test
  void capacityIsTheSlotsOfWorkersUpAndHeardFromWithinTheLease() {
    assertEquals(0, roster.slots());
    beat("w1", 2, State.UP);
    beat("w2", 3, State.UP);
    assertEquals(5, roster.slots());
    assertEquals(2, roster.liveWorkers());

    clock.advance(Duration.ofSeconds(10));
    beat("w2", 3, State.UP);
    clock.advance(Duration.ofSeconds(6)); // w1 silent for 16 s: past its lease
    assertEquals(3, roster.slots());
    assertEquals(1, roster.liveWorkers());

    beat("w2", 3, State.LEFT);
    assertEquals(0, roster.slots());
    assertEquals(0, roster.liveWorkers());
  }

  @Test
  void aHeartbeatOlderThanTheOneKnownChangesNothing() {
    beat("w1", 4, State.UP);
    roster.onHeartbeat(
        new WorkerHeartbeat("w1", 1, 0, State.LEFT, clock.instant().minusSeconds(1)));
    assertEquals(4, roster.slots());
  }

  @Test
  void aWorkerGoneIsReportedOnceWithWhyUntilItIsHeardFromAgain() {
    beat("w1", 2, State.UP);
    beat("w2", 2, State.UP);
    assertEquals(List.of(), roster.newlyGone());

    beat("w2", 2, State.LEFT);
    assertEquals(
        List.of(new WorkerRoster.Gone("w2", WorkerRoster.Reason.HANDED_BACK)), roster.newlyGone());
    clock.advance(Duration.ofSeconds(16));
    assertEquals(
        List.of(new WorkerRoster.Gone("w1", WorkerRoster.Reason.LOST)), roster.newlyGone());
    assertEquals(List.of(), roster.newlyGone());
    assertEquals(WorkerRoster.Reason.LOST, roster.goneFor("w1"));

    beat("w1", 2, State.UP); // back (a long pause, not a crash)
    assertNull(roster.goneFor("w1"));
    assertEquals(2, roster.slots());
    clock.advance(Duration.ofSeconds(16));
    assertEquals(
        List.of(new WorkerRoster.Gone("w1", WorkerRoster.Reason.LOST)), roster.newlyGone());
  }

  @Test
  void aWorkerNeverHeardFromIsNotGone() {
    assertNull(roster.goneFor("nobody"));
  }
}
