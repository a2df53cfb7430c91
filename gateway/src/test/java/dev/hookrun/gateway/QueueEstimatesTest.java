package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.run.Priority;
import dev.hookrun.common.run.RunStarted;
import dev.hookrun.common.scheduling.FairQueue;
import dev.hookrun.common.scheduling.QueuedRun;
import dev.hookrun.common.scheduling.SchedulingPolicy;
import dev.hookrun.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Queue positions follow the scheduler's order (priority, fair shares, caps) and the start time is
 * the position over the recent start rate. The clock stands still unless a test moves it.
 */
class QueueEstimatesTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private final ManualClock clock = new ManualClock(T0);
  private final Map<String, RunState> runs = new HashMap<>();
  private QueueEstimates estimates =
      new QueueEstimates(SchedulingPolicy.unlimited(), clock, QueueEstimates.Walker.inline());

  /** Folds a state in as the view does, telling the estimates what changed. */
  private void apply(RunState incoming) {
    RunState before = runs.get(incoming.runId());
    RunState after = RunState.merge(before, incoming);
    runs.put(after.runId(), after);
    estimates.changed(before, after);
  }

  private void queue(String project, String runId, Priority priority) {
    apply(RunState.queued(runId, project, "app", clock.instant(), null, priority));
  }

  private void queue(String project, String runId) {
    queue(project, runId, Priority.NORMAL);
  }

  private void start(String runId) {
    RunState queued = runs.get(runId);
    apply(
        RunState.running(
            new RunStarted(
                runId,
                queued.project(),
                "app",
                queued.createdAt(),
                clock.instant(),
                "w1",
                null,
                List.of())));
  }

  private Integer position(String runId) {
    return estimates.of(runId).position();
  }

  @Test
  void aProjectQueuingLaterIsServedBetweenTheRunsOfOneWithABacklog() {
    for (int i = 0; i < 10; i++) {
      queue("a", "a-" + i);
      clock.advance(Duration.ofMillis(10));
    }
    queue("b", "b-0");

    assertEquals(1, position("b-0"), "b's run starts second, not after a's ten");
    assertEquals(0, position("a-0"));
    assertEquals(2, position("a-1"));
    assertEquals(10, position("a-9"));
  }

  @Test
  void aHighRunQueuedBehindNormalOnesIsNext() {
    for (int i = 0; i < 5; i++) {
      queue("a", "n-" + i);
    }
    queue("a", "urgent", Priority.HIGH);
    queue("a", "later", Priority.LOW);

    assertEquals(0, position("urgent"));
    assertEquals(1, position("n-0"));
    assertEquals(6, position("later"));
  }

  @Test
  void weightsGiveAProjectItsShareOfTheStartsAhead() {
    estimates =
        new QueueEstimates(
            SchedulingPolicy.parse("a=3", null, Duration.ofMinutes(10)),
            clock,
            QueueEstimates.Walker.inline());
    for (int i = 0; i < 9; i++) {
      queue("a", "a-" + i);
    }
    for (int i = 0; i < 3; i++) {
      queue("b", "b-" + i);
    }
    assertEquals(1, position("b-0"));
    // between two of b's starts, a (weight 3) starts three runs
    assertEquals(4, position("b-1") - position("b-0"));
    assertEquals(4, position("b-2") - position("b-1"));
  }

  @Test
  void aProjectAtItsCapWaitsBehindTheOthersFromItsRunningCount() {
    estimates =
        new QueueEstimates(
            SchedulingPolicy.parse(null, "a=2", Duration.ofMinutes(10)),
            clock,
            QueueEstimates.Walker.inline());
    for (int i = 0; i < 4; i++) {
      queue("a", "a-" + i);
    }
    start("a-0");
    start("a-1");
    queue("b", "b-0");

    assertEquals(0, position("b-0"), "a has no free slot, so b goes first");
    assertEquals(1, position("a-2"));
  }

  @Test
  void aRunMovesUpAsRunsAheadOfItLeaveTheQueue() {
    for (int i = 0; i < 4; i++) {
      queue("a", "a-" + i);
    }
    assertEquals(3, position("a-3"));
    start("a-0");
    apply(RunState.cancelledByGateway(runs.get("a-1"), clock.instant()));
    assertEquals(1, position("a-3"));
  }

  @Test
  void withoutAStartInTheLastMinuteThereIsNoTime() {
    for (int i = 0; i < 3; i++) {
      queue("a", "a-" + i);
    }
    assertEquals(2, position("a-2"));
    assertNull(estimates.of("a-2").startAt(), "nothing has started: no basis for a time");

    start("a-0");
    assertNotNull(estimates.of("a-2").startAt());

    clock.advance(Duration.ofSeconds(61));
    assertNull(estimates.of("a-2").startAt(), "the last start left the window");
  }

  @Test
  void runsCancelledWhileQueuedAreNoStarts() {
    for (int i = 0; i < 5; i++) {
      queue("a", "a-" + i);
    }
    for (int i = 0; i < 4; i++) {
      apply(RunState.cancelledByGateway(runs.get("a-" + i), clock.instant()));
    }
    assertEquals(0, position("a-4"));
    assertNull(estimates.of("a-4").startAt());
  }

  @Test
  void theNextRunStartsNowWhileRunsAreStarting() {
    queue("a", "a-0");
    queue("a", "a-1");
    start("a-0");
    clock.advance(Duration.ofSeconds(3));
    assertEquals(clock.instant(), estimates.of("a-1").startAt());
  }

  @Test
  void theRateCountsOnlyThePartOfTheWindowWatched() {
    for (int i = 0; i < 20; i++) {
      queue("a", "a-" + i);
    }
    // five starts in the first ten seconds: 0.5 a second, not five a minute
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(2));
      start("a-" + i);
    }
    QueueEstimates.Estimate last = estimates.of("a-19");
    assertEquals(14, last.position());
    assertEquals(clock.instant().plusSeconds(28), last.startAt());
  }

  @Test
  void startsOlderThanTheWindowReadBackAtStartDoNotCount() {
    RunState old = RunState.queued("old", "a", "app", T0.minusSeconds(600), null);
    apply(
        RunState.running(
            new RunStarted(
                "old", "a", "app", old.createdAt(), T0.minusSeconds(300), "w1", null, List.of())));
    queue("a", "a-0");
    queue("a", "a-1");
    assertEquals(1, position("a-1"));
    assertNull(estimates.of("a-1").startAt());
  }

  @Test
  void onASteadyLoadTheEstimatedStartIsWithinAFactorOfTwoOfTheActualOne() {
    // the scheduler: its own queue, with the fair-share history the gateway's walk does not have
    FairQueue scheduler = new FairQueue(SchedulingPolicy.unlimited(), clock);
    Map<String, Integer> running = new HashMap<>();
    Map<String, Instant> askedAt = new HashMap<>();
    Map<String, Instant> estimated = new HashMap<>();
    List<String> checked = new ArrayList<>();
    int arrived = 0;
    // a backlog of 16, then one run arriving and one starting every 2 s, from two projects
    for (int i = 0; i < 16; i++) {
      arrived = arrive(scheduler, arrived);
    }
    for (int tick = 0; tick < 150; tick++) {
      clock.advance(Duration.ofSeconds(2));
      QueuedRun next = scheduler.next(running).orElseThrow();
      start(next.runId());
      Instant estimate = estimated.remove(next.runId());
      if (estimate != null) {
        Duration actual = Duration.between(askedAt.get(next.runId()), clock.instant());
        Duration told = Duration.between(askedAt.get(next.runId()), estimate);
        assertTrue(
            told.toMillis() * 2 >= actual.toMillis() && told.toMillis() <= actual.toMillis() * 2,
            () -> next.runId() + ": estimated " + told + ", started after " + actual);
        checked.add(next.runId());
      }
      String newest = "run-" + arrived;
      arrived = arrive(scheduler, arrived);
      if (tick >= 35 && tick < 110) { // once the window is full of the steady rate
        askedAt.put(newest, clock.instant());
        estimated.put(newest, estimates.of(newest).startAt());
      }
    }
    assertEquals(75, checked.size(), "every run asked about started during the test");
  }

  private int arrive(FairQueue scheduler, int arrived) {
    String runId = "run-" + arrived;
    String project = arrived % 2 == 0 ? "a" : "b";
    queue(project, runId);
    scheduler.add(new QueuedRun(runId, project, Priority.NORMAL, clock.instant()));
    return arrived + 1;
  }

  @Test
  void aBigQueueIsWalkedAtMostOnceASecondAwayFromTheCaller() {
    List<Runnable> walks = new ArrayList<>();
    estimates =
        new QueueEstimates(
            SchedulingPolicy.unlimited(),
            clock,
            (walk, done) -> walks.add(() -> done.accept(walk.get())));
    int big = QueueEstimates.SMALL_QUEUE + 500;
    for (int i = 0; i < big; i++) {
      queue("a", "a-" + i);
    }
    assertNull(position("a-0"), "the first walk has not been run yet");
    assertEquals(1, walks.size());
    walks.remove(0).run();
    assertEquals(big - 1, position("a-" + (big - 1)));

    queue("a", "newest");
    assertNull(position("newest"), "not walked again within the second");
    assertTrue(walks.isEmpty());
    clock.advance(QueueEstimates.REFRESH);
    assertNull(position("newest"), "the walk is under way");
    assertNull(position("newest"), "and only one at a time");
    assertEquals(1, walks.size());
    walks.remove(0).run();
    assertEquals(big, position("newest"));
  }
}
