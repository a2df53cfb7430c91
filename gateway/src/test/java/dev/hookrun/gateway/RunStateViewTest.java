package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.run.Priority;
import dev.hookrun.common.run.RunError;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunStatus;
import dev.hookrun.common.scheduling.SchedulingPolicy;
import dev.hookrun.testkit.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RunStateViewTest {

  private static final Instant NOW = Instant.parse("2026-11-29T02:00:00Z");
  private final Vertx vertx = Vertx.vertx();
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private static RunState queued(String project, String runId, Instant created) {
    return RunState.queued(runId, project, "app", created, null);
  }

  private static RunState succeeded(
      String project, String runId, Instant created, Instant completed) {
    return RunState.finished(
        new RunResult(
            runId,
            project,
            "app",
            RunStatus.SUCCEEDED,
            "ok",
            (RunError) null,
            1,
            created,
            created,
            completed,
            null,
            "w1"),
        completed);
  }

  private static RunState succeeded(String project, String runId, Instant created) {
    return succeeded(project, runId, created, created.plusMillis(1));
  }

  @Test
  void aBurstFromOneProjectNeitherHidesAnotherProjectsRunsNorEvictsItsOwnUnfinishedOnes() {
    RunStateView view = new RunStateView(vertx, Duration.ofHours(1), 100, 1_000, clock);
    for (int i = 0; i < 10; i++) {
      view.apply(succeeded("b", "b-" + i, NOW.minusSeconds(60)));
    }
    for (int i = 0; i < 80; i++) {
      view.apply(queued("a", "a-open-" + i, NOW.minusSeconds(30)));
    }
    for (int i = 0; i < 200; i++) {
      view.apply(succeeded("a", "a-done-" + i, NOW.minusSeconds(10)));
    }
    for (int i = 0; i < 10; i++) {
      assertNotNull(view.get("b-" + i), "project b's run b-" + i + " is still readable");
    }
    for (int i = 0; i < 80; i++) {
      assertNotNull(view.get("a-open-" + i), "an unfinished run is never evicted");
    }
    assertEquals(80, view.unfinished("a"));
    assertEquals(0, view.unfinished("b"));
    assertTrue(view.size() <= 100, "the bound holds: " + view.size());
    assertNotNull(view.get("a-done-199"), "the newest finished runs stay");
    assertNull(view.get("a-done-0"), "the oldest finished run of the largest project went first");
  }

  @Test
  void callersWaitingOnOneRunAreBoundedAndTheRestAreAnsweredAtOnce() {
    RunStateView view = new RunStateView(vertx, Duration.ofHours(1), 100, 1_000, clock);
    view.apply(queued("a", "r1", NOW));
    List<Future<RunState>> waits = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      waits.add(view.awaitFinal("r1", Duration.ofMinutes(3)));
    }
    long answeredAtOnce = waits.stream().filter(Future::isComplete).count();
    assertEquals(20 - RunStateView.MAX_WAITERS_PER_RUN, answeredAtOnce);
    assertEquals(RunStateView.MAX_WAITERS_PER_RUN, view.waiters());
    view.apply(succeeded("a", "r1", NOW));
    assertTrue(waits.stream().allMatch(Future::isComplete));
    assertEquals(0, view.waiters());
  }

  @Test
  void theWaitersOfAllRunsTogetherAreBounded() {
    RunStateView view = new RunStateView(vertx, Duration.ofHours(1), 100, 5, clock);
    List<Future<RunState>> waits = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      view.apply(queued("a", "r" + i, NOW));
      waits.add(view.awaitFinal("r" + i, Duration.ofMinutes(3)));
    }
    assertEquals(5, view.waiters());
    assertFalse(waits.get(4).isComplete());
    assertTrue(
        waits.get(5).isComplete() && waits.get(5).result() == null,
        "over the bound: answered at once");
  }

  @Test
  void aKeyReusedAfterTheRetentionStartsANewRunAndLateFactsOfTheOldOneAreIgnored() {
    RunStateView view = new RunStateView(vertx, Duration.ofMinutes(1), 100, 100, clock);
    Instant old = NOW.minusSeconds(50);
    view.apply(succeeded("a", "r", old));
    view.apply(queued("a", "r", old.plusSeconds(120)));
    assertEquals(RunStatus.QUEUED, view.get("r").status(), "the new run replaces the old one");
    assertEquals(1, view.unfinished("a"));
    view.apply(succeeded("a", "r", old));
    assertEquals(
        RunStatus.QUEUED, view.get("r").status(), "a late outcome of the old run changes nothing");
  }

  @Test
  void aDeliverySeenBeforeItsOutcomeDoesNotAnswerAWaitingCaller() {
    RunStateView view = new RunStateView(vertx, Duration.ofHours(1), 100, 100, clock);
    view.apply(queued("a", "r", NOW));
    Future<RunState> waiting = view.awaitFinal("r", Duration.ofMinutes(3));
    view.apply(
        RunState.delivering(
            new dev.hookrun.common.run.DeliveryState(
                "r",
                "a",
                "app",
                RunStatus.SUCCEEDED,
                NOW,
                new dev.hookrun.common.run.WebhookState(
                    "http://h/", "delivered", 1, 200, null, null),
                NOW)));
    assertFalse(waiting.isComplete(), "the delivery carries no result");
    view.apply(succeeded("a", "r", NOW));
    assertEquals("ok", waiting.result().result());
    assertEquals(
        "delivered", view.get("r").webhook().status(), "the webhook state survives the outcome");
  }

  @Test
  void aSweepDropsTheRunsPastTheRetentionOldestFirstAndAtMostItsLimit() {
    Instant[] now = {NOW};
    Clock moving =
        new Clock() {
          @Override
          public Instant instant() {
            return now[0];
          }

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    RunStateView view = new RunStateView(vertx, Duration.ofHours(1), 10_000, 1_000, moving);
    for (int i = 0; i < 100; i++) {
      view.apply(succeeded("a", "old-" + i, NOW.minusSeconds(600 - i)));
    }
    view.apply(queued("a", "open", NOW.minusSeconds(300)));
    view.progress("open", new RunStateView.Progress(null, 1, NOW));
    for (int i = 0; i < 50; i++) {
      view.apply(succeeded("b", "new-" + i, NOW));
    }

    now[0] = NOW.plus(Duration.ofHours(1)).minusSeconds(400); // the first 100 are past retention
    view.sweep(30);
    assertEquals(151 - 30, view.size(), "no more than the limit per sweep");
    view.sweep(1_000);
    assertNull(view.get("old-99"));
    assertNotNull(view.get("open"), "a run within the retention stays");
    assertEquals(1, view.unfinished("a"));
    assertEquals(51, view.size());

    now[0] = NOW.plus(Duration.ofHours(1)).minusSeconds(100); // now only the newest 50 remain
    view.sweep(1_000);
    assertNull(view.get("open"));
    assertNull(view.progressOf("open"), "its progress went with it");
    assertEquals(0, view.unfinished("a"));
    assertEquals(50, view.size());
  }

  @Test
  void aRunStaysInTheViewWhileItRunsPastTheRetentionAndForARetentionAfterItEnds() {
    ManualClock moving = new ManualClock(NOW);
    RunStateView view =
        new RunStateView(
            vertx,
            Duration.ofHours(1),
            Duration.ofHours(2),
            10_000,
            1_000,
            moving,
            SchedulingPolicy.unlimited());
    view.apply(queued("a", "long", NOW));
    view.apply(succeeded("a", "short", NOW.plusSeconds(1)));
    view.apply(queued("a", "lost", NOW.plusSeconds(2))); // its outcome never comes

    moving.advance(Duration.ofMinutes(90));
    view.sweep(1_000);
    assertNotNull(view.get("long"), "still going 90 min after it was made, past the retention");
    assertNull(view.get("short"), "an ended run goes a retention after it ended");
    assertEquals(2, view.unfinished("a"));

    Instant ended = moving.instant();
    view.apply(succeeded("a", "long", NOW, ended));
    moving.advance(Duration.ofMinutes(50)); // 140 min
    view.sweep(1_000);
    assertEquals(RunStatus.SUCCEEDED, view.get("long").status(), "readable after it ended");

    moving.advance(Duration.ofMinutes(15)); // 155 min: it ended 65 min ago
    view.sweep(1_000);
    assertNull(view.get("long"), "gone a retention after it ended");
    assertNotNull(view.get("lost"), "unfinished: kept for retention + queue TTL + run time");
    assertEquals(1, view.unfinished("a"));

    moving.advance(Duration.ofMinutes(30)); // 185 min
    view.sweep(1_000);
    assertNull(view.get("lost"), "past any run's lifetime: its outcome was lost, given up");
    assertEquals(0, view.unfinished("a"));
    assertEquals(0, view.size());
  }

  @Test
  void aScheduledRunTurnsQueuedAtItsTimeAndStaysPastTheRetentionUntilThen() {
    ManualClock moving = new ManualClock(NOW);
    RunStateView view =
        new RunStateView(
            vertx,
            Duration.ofHours(1),
            Duration.ofHours(2),
            10_000,
            1_000,
            moving,
            SchedulingPolicy.unlimited());
    Instant at = NOW.plus(Duration.ofDays(1));
    view.apply(
        RunState.queued("later", "a", "app", NOW, null, Priority.NORMAL, at, moving.instant()));
    view.apply(queued("a", "now", NOW.plusSeconds(1)));
    assertEquals(RunStatus.SCHEDULED, view.get("later").status());
    assertEquals(at, view.get("later").scheduledFor());
    AppQueues.QueueStats stats = view.queues().queue("a", "app");
    assertEquals(1, stats.scheduled());
    assertEquals(1, stats.queued(), "a scheduled run is not queued");

    moving.advance(Duration.ofHours(23));
    view.sweep(1_000);
    assertEquals(RunStatus.SCHEDULED, view.get("later").status(), "kept past the retention");

    moving.advance(Duration.ofHours(1));
    view.sweep(1_000);
    assertEquals(RunStatus.QUEUED, view.get("later").status(), "queued at its time");
    assertEquals(0, view.queues().queue("a", "app").scheduled());
    assertNull(view.get("now"), "the sweep walked past the scheduled run to an expired one");

    moving.advance(Duration.ofHours(2).plusMinutes(59));
    view.sweep(1_000);
    assertNotNull(view.get("later"), "retention + queue TTL + run time from its time");
    moving.advance(Duration.ofMinutes(2));
    view.sweep(1_000);
    assertNull(view.get("later"));
  }
}
