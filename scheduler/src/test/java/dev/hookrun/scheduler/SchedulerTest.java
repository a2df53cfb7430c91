package dev.hookrun.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.run.Priority;
import dev.hookrun.common.run.RunError;
import dev.hookrun.common.run.RunRequest;
import dev.hookrun.common.run.RunStatus;
import dev.hookrun.common.run.WorkerHeartbeat;
import dev.hookrun.common.scheduling.SchedulingPolicy;
import dev.hookrun.testkit.ManualClock;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** The release decisions, with a hand-moved clock and the outbox and offsets recorded. */
class SchedulerTest {

  private record Released(String runId, int attempt) {}

  private record Settled(String runId, RunStatus status, RunError error) {}

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final RunLedger ledger = new RunLedger();
  private final WorkerRoster roster = new WorkerRoster(clock, Duration.ofSeconds(15));
  private final List<Released> released = new ArrayList<>();
  private final List<Settled> settled = new ArrayList<>();
  private final List<Long> finishedOffsets = new ArrayList<>();
  private final TopicPartition partition = new TopicPartition("requests", 0);
  private long nextOffset;
  private Scheduler scheduler = scheduler(SchedulingPolicy.unlimited());

  private Scheduler scheduler(SchedulingPolicy policy) {
    return new Scheduler(
        policy,
        ledger,
        roster,
        clock,
        new Scheduler.Outbox() {
          @Override
          public void release(RequestRecord run, int attempt) {
            released.add(new Released(run.runId(), attempt));
          }

          @Override
          public void settle(RunRequest request, RunStatus status, RunError error) {
            settled.add(new Settled(request.runId(), status, error));
          }
        },
        (p, offset) -> finishedOffsets.add(offset),
        Duration.ofHours(24));
  }

  private void worker(String id, int slots) {
    roster.onHeartbeat(
        new WorkerHeartbeat(id, slots, 0, WorkerHeartbeat.State.UP, clock.instant()));
  }

  private RequestRecord request(String runId, String project, Instant expiresAt) {
    RunRequest request =
        new RunRequest(runId, project, "app", new JsonObject(), null, clock.instant(), expiresAt);
    return new RequestRecord(
        partition,
        nextOffset++,
        request,
        Priority.NORMAL,
        request.toJson().encode(),
        new Header[0]);
  }

  /** Queues runs {@code <project>-0 … <project>-(n-1)}; returns the first offset. */
  private long queue(String project, int n) {
    long first = nextOffset;
    for (int i = 0; i < n; i++) {
      scheduler.onRequest(request(project + "-" + i, project, null));
    }
    scheduler.release();
    return first;
  }

  private void fact(Fact fact) {
    ledger.apply(fact);
    scheduler.onFact(fact);
    scheduler.release();
  }

  private void outcome(String runId) {
    fact(new Fact.Finished(runId, clock.millis()));
  }

  private List<String> releasedIds() {
    return released.stream().map(Released::runId).toList();
  }

  @Test
  void nothingIsReleasedWithoutWorkers() {
    queue("a", 5);
    scheduler.tick();
    assertEquals(List.of(), released);
    assertEquals(5, scheduler.queued());
    assertEquals(5, scheduler.queued("a", Priority.NORMAL));
  }

  @Test
  void releasesUpToTheSlotsOfLiveWorkersPlusOneSparePerWorker() {
    worker("w1", 2);
    worker("w2", 2);
    queue("a", 10);
    assertEquals(6, released.size(), "4 slots + 2 spares");
    assertTrue(released.stream().allMatch(r -> r.attempt() == 1));
    assertEquals(6, scheduler.inFlight());
    assertEquals(4, scheduler.capacity());
    assertEquals(2, scheduler.liveWorkers());
    assertEquals(4, scheduler.queued("a", Priority.NORMAL));

    outcome("a-0");
    outcome("a-1");
    assertEquals(8, released.size(), "each outcome frees room for one more");
    assertEquals(List.of(), finishedOffsets.stream().filter(o -> o > 1).toList());
    assertEquals(List.of(0L, 1L), finishedOffsets, "an offset finishes with its run");
  }

  @Test
  void aWorkerSilentPastItsLeaseNoLongerCounts() {
    worker("w1", 2);
    queue("a", 10);
    assertEquals(3, released.size());
    clock.advance(Duration.ofSeconds(16));
    outcome("a-0");
    outcome("a-1");
    outcome("a-2");
    scheduler.tick();
    assertEquals(3, released.size(), "no live worker: nothing more");
  }

  @Test
  void anotherProjectsRunDoesNotWaitBehindABacklog() {
    worker("w1", 2);
    queue("a", 10);
    queue("b", 1);
    assertEquals(List.of("a-0", "a-1", "a-2"), releasedIds());
    outcome("a-0");
    outcome("a-1");
    // a and b take turns from b's arrival on (a's tie goes to the run added first)
    assertEquals(List.of("a-3", "b-0"), releasedIds().subList(3, 5));
    assertEquals(6, scheduler.queued("a", Priority.NORMAL));
  }

  @Test
  void aProjectAtItsCapWaitsWhileOthersGo() {
    scheduler = scheduler(SchedulingPolicy.parse(null, "a=2", Duration.ZERO));
    worker("w1", 10);
    queue("a", 5);
    queue("b", 3);
    assertEquals(List.of("a-0", "a-1", "b-0", "b-1", "b-2"), releasedIds());
    outcome("b-0");
    assertEquals(5, released.size(), "a is still at its cap of 2");
    outcome("a-0");
    assertEquals("a-2", releasedIds().get(5));
  }

  @Test
  void aLostWorkersRunningRunsAreReleasedAgainWithTheNextAttempt() {
    worker("w1", 2);
    worker("w2", 2);
    queue("a", 4);
    assertEquals(4, released.size());
    clock.advance(Duration.ofMillis(10));
    fact(new Fact.Running("a-0", "w1", clock.millis()));
    fact(new Fact.Running("a-1", "w2", clock.millis()));
    // a-2 and a-3 are on the work topic, taken by no one yet: the share group hands them out

    clock.advance(Duration.ofSeconds(10));
    worker("w2", 2);
    clock.advance(Duration.ofSeconds(6));
    scheduler.tick();
    assertEquals(new Released("a-0", 2), released.get(4));
    assertEquals(5, released.size(), "only w1's running run");
    assertEquals(4, scheduler.inFlight(), "not counted twice");

    clock.advance(Duration.ofSeconds(1));
    scheduler.tick();
    assertEquals(5, released.size(), "w1 is handled once");

    // taken again by w2, which then dies too: a third attempt
    clock.advance(Duration.ofMillis(10));
    fact(new Fact.Running("a-0", "w2", clock.millis()));
    clock.advance(Duration.ofSeconds(16));
    scheduler.tick();
    assertTrue(released.contains(new Released("a-0", 3)));
    assertTrue(released.contains(new Released("a-1", 2)));
  }

  @Test
  void aWorkerThatLeftHandsItsRunsBackWithoutCountingAnAttempt() {
    worker("w1", 1);
    queue("a", 1);
    clock.advance(Duration.ofMillis(10));
    fact(new Fact.Running("a-0", "w1", clock.millis()));
    roster.onHeartbeat(
        new WorkerHeartbeat("w1", 1, 0, WorkerHeartbeat.State.LEFT, clock.instant()));
    scheduler.tick();
    assertEquals(List.of(new Released("a-0", 1), new Released("a-0", 1)), released);
  }

  @Test
  void aQueuedRunThatIsCancelledEndsCancelledAndIsNeverReleased() {
    queue("a", 2);
    fact(new Fact.Cancelled("a-1", false, clock.millis()));
    assertEquals(List.of(new Settled("a-1", RunStatus.CANCELLED, null)), settled);
    assertEquals(List.of(), finishedOffsets, "its offset waits for the outcome to be read back");
    outcome("a-1");
    assertEquals(List.of(1L), finishedOffsets);

    worker("w1", 4);
    scheduler.release();
    assertEquals(List.of("a-0"), releasedIds());
  }

  @Test
  void aQueuePurgeSettlesQueuedRunsButLeavesReleasedOnesAlone() {
    worker("w1", 0); // one spare: one run released
    queue("a", 2);
    assertEquals(List.of("a-0"), releasedIds());
    fact(new Fact.Cancelled("a-0", true, clock.millis()));
    fact(new Fact.Cancelled("a-1", true, clock.millis()));
    assertEquals(List.of(new Settled("a-1", RunStatus.CANCELLED, null)), settled);
  }

  @Test
  void aRunCancelledBeforeItsRequestIsReadIsSettledAtOnce() {
    fact(new Fact.Cancelled("a-0", false, clock.millis()));
    worker("w1", 2);
    queue("a", 1);
    assertEquals(List.of(new Settled("a-0", RunStatus.CANCELLED, null)), settled);
    assertEquals(List.of(), released);
  }

  @Test
  void aQueuedRunPastItsTimeToLiveEndsExpired() {
    scheduler.onRequest(request("a-0", "a", clock.instant().plusSeconds(5)));
    scheduler.onRequest(request("a-1", "a", clock.instant().plusSeconds(60)));
    clock.advance(Duration.ofSeconds(6));
    scheduler.tick();
    assertEquals(
        List.of(new Settled("a-0", RunStatus.EXPIRED, RunError.EXPIRED_IN_QUEUE)), settled);
    assertEquals("expired", settled.get(0).error().code());
    assertEquals(1, scheduler.queued());

    scheduler.onRequest(request("a-2", "a", clock.instant().minusSeconds(1)));
    assertEquals(RunStatus.EXPIRED, settled.get(1).status(), "expired when read");
  }

  @Test
  void whatTheLedgerKnowsDecidesWhatARequestReadAgainIs() {
    ledger.apply(new Fact.Finished("done", clock.millis()));
    ledger.apply(new Fact.Released("released", 1, clock.millis()));
    worker("w1", 1);
    scheduler.onRequest(request("done", "a", null));
    scheduler.onRequest(request("released", "a", null));
    scheduler.onRequest(request("new", "a", null));
    scheduler.release();
    assertEquals(List.of(0L), finishedOffsets, "a finished run's offset finishes at once");
    assertEquals(List.of(new Released("new", 1)), released, "the released one is not again");
    assertEquals(2, scheduler.inFlight());
  }

  @Test
  void aRunReadAgainWhoseWorkerIsGoneIsReleasedAgain() {
    worker("w1", 1);
    ledger.apply(new Fact.Released("r", 1, clock.millis()));
    ledger.apply(new Fact.Running("r", "w1", clock.millis() + 1));
    clock.advance(Duration.ofSeconds(16));
    scheduler.onRequest(request("r", "a", null));
    assertEquals(List.of(new Released("r", 2)), released);
  }

  @Test
  void aRunAlreadyReleasedAgainIsNotReleasedAThirdTime() {
    worker("w1", 1);
    ledger.apply(new Fact.Running("r", "w1", clock.millis() + 1));
    ledger.apply(new Fact.Released("r", 2, clock.millis() + 2)); // by the previous scheduler
    clock.advance(Duration.ofSeconds(16));
    scheduler.onRequest(request("r", "a", null));
    scheduler.tick();
    assertEquals(List.of(), released);
  }

  @Test
  void aDuplicateRequestForARunAlreadyReadFinishesAtOnce() {
    queue("a", 1);
    scheduler.onRequest(request("a-0", "a", null));
    assertEquals(List.of(1L), finishedOffsets);
    assertEquals(1, scheduler.queued());
  }

  @Test
  void partitionsGoneForgetTheirRunsAndAShareOfPartitionsGetsAShareOfTheSlots() {
    worker("w1", 10);
    scheduler.ownShare(6, 12);
    queue("a", 20);
    assertEquals(6, released.size(), "half of 10 slots + 1 spare, rounded up");
    scheduler.forget(Set.of(partition));
    assertEquals(0, scheduler.queued());
    scheduler.release();
    assertEquals(0, scheduler.inFlight());
  }

  @Test
  void aRequestOlderThanTheRetentionThatWasNeverReleasedIsLeftAloneNotSettledAgain() {
    worker("w", 1);
    RunRequest old =
        new RunRequest(
            "ancient",
            "p",
            "app",
            new JsonObject(),
            null,
            clock.instant().minus(Duration.ofDays(3)),
            clock.instant().minus(Duration.ofDays(2)));
    scheduler.onRequest(
        new RequestRecord(
            partition, nextOffset++, old, Priority.NORMAL, old.toJson().encode(), new Header[0]));
    scheduler.release();

    assertTrue(released.isEmpty(), "not run: " + released);
    assertTrue(settled.isEmpty(), "no second outcome (and webhook) for it: " + settled);
    assertEquals(List.of(0L), finishedOffsets, "its offset moves on");
  }

  @Test
  void anIdempotencyKeyUsedAgainAfterTheRetentionNamesANewRunWhichRuns() {
    worker("w", 1);
    scheduler.onRequest(request("reused", "p", null));
    scheduler.release();
    fact(new Fact.Released("reused", 1, clock.millis()));
    fact(new Fact.Finished("reused", clock.millis()));
    clock.advance(Duration.ofHours(25));
    worker("w", 1); // still heartbeating
    released.clear();

    scheduler.onRequest(request("reused", "p", null)); // made now, 25 h after the first
    scheduler.release();

    assertEquals(List.of(new Released("reused", 1)), released, "the new run runs");
  }

  @Test
  void theSameKeySentAgainWithinTheRetentionIsTheSameRun() {
    worker("w", 1);
    scheduler.onRequest(request("twice", "p", null));
    scheduler.release();
    fact(new Fact.Released("twice", 1, clock.millis()));
    fact(new Fact.Finished("twice", clock.millis()));
    clock.advance(Duration.ofMinutes(5));
    released.clear();

    scheduler.onRequest(request("twice", "p", null));
    scheduler.release();

    assertTrue(released.isEmpty(), "one run per key: " + released);
  }

  private RequestRecord scheduledRequest(String runId, Instant at, Duration queueTtl) {
    RunRequest request =
        new RunRequest(
            runId,
            "a",
            "app",
            new JsonObject(),
            null,
            clock.instant(),
            at.plus(queueTtl),
            null,
            null,
            null,
            Priority.NORMAL,
            at);
    return new RequestRecord(
        partition,
        nextOffset++,
        request,
        Priority.NORMAL,
        request.toJson().encode(),
        new Header[0]);
  }

  @Test
  void aScheduledRunWaitsForItsTimeThenIsQueuedAndReleased() {
    List<Instant> wakeUps = new ArrayList<>();
    scheduler.wakeAt(wakeUps::add);
    worker("w1", 2);
    Instant at = clock.instant().plusSeconds(30);
    scheduler.onRequest(scheduledRequest("s-0", at, Duration.ofMinutes(5)));
    scheduler.release();
    assertEquals(List.of(at), wakeUps, "a timer asked for its time");
    assertEquals(0, scheduler.queued(), "not queued before its time");

    clock.advance(Duration.ofMillis(29_999));
    scheduler.tick();
    assertEquals(List.of(), released);

    clock.advance(Duration.ofMillis(1));
    worker("w1", 2); // heartbeating all along
    scheduler.wake();
    assertEquals(List.of(new Released("s-0", 1)), released, "released at its time");
  }

  @Test
  void theEarliestScheduledTimeIsAskedForOnceAndTheNextAfterIt() {
    List<Instant> wakeUps = new ArrayList<>();
    scheduler.wakeAt(wakeUps::add);
    Instant later = clock.instant().plusSeconds(60);
    Instant sooner = clock.instant().plusSeconds(10);
    scheduler.onRequest(scheduledRequest("s-late", later, Duration.ofMinutes(5)));
    scheduler.onRequest(scheduledRequest("s-late-2", later, Duration.ofMinutes(5)));
    scheduler.onRequest(scheduledRequest("s-soon", sooner, Duration.ofMinutes(5)));
    scheduler.tick();
    assertEquals(List.of(later, sooner), wakeUps, "a later time does not ask again");

    clock.advance(Duration.ofSeconds(10));
    scheduler.wake();
    assertEquals(List.of(later, sooner, later), wakeUps);
    assertEquals(1, scheduler.queued());
  }

  @Test
  void aScheduledRunCancelledBeforeItsTimeEndsCancelledAndNeverStarts() {
    worker("w1", 2);
    Instant at = clock.instant().plusSeconds(30);
    scheduler.onRequest(scheduledRequest("s-0", at, Duration.ofMinutes(5)));
    fact(new Fact.Cancelled("s-0", false, clock.millis()));
    assertEquals(List.of(new Settled("s-0", RunStatus.CANCELLED, null)), settled);
    clock.advance(Duration.ofSeconds(31));
    scheduler.tick();
    assertEquals(List.of(), released);
  }

  @Test
  void theQueueTimeToLiveCountsFromTheScheduledTime() {
    Instant at = clock.instant().plus(Duration.ofDays(1));
    scheduler.onRequest(scheduledRequest("s-0", at, Duration.ofMinutes(10)));
    clock.advance(Duration.ofDays(1).plusMinutes(9));
    scheduler.tick();
    assertEquals(List.of(), settled, "queued 9 minutes of its 10, no worker yet");
    assertEquals(1, scheduler.queued());
    clock.advance(Duration.ofMinutes(2));
    scheduler.tick();
    assertEquals(
        List.of(new Settled("s-0", RunStatus.EXPIRED, RunError.EXPIRED_IN_QUEUE)), settled);
  }

  @Test
  void aScheduledRunReadAgainAfterItsTimeIsQueuedAtOnceAndOneAcceptedBeforeTheRetentionIsKept() {
    // accepted two days ago (past the 24 h retention), due an hour from now: still to run
    Instant inAnHour = clock.instant().plus(Duration.ofHours(1));
    clock.advance(Duration.ofDays(-2));
    RequestRecord longAgo = scheduledRequest("s-old", inAnHour, Duration.ofMinutes(5));
    clock.advance(Duration.ofDays(2).minusMinutes(10));
    // accepted 10 minutes ago, due a minute ago: its time passed while no scheduler ran
    RequestRecord missed =
        scheduledRequest("s-missed", clock.instant().plusSeconds(540), Duration.ofMinutes(5));
    clock.advance(Duration.ofMinutes(10));
    worker("w1", 0);
    scheduler.onRequest(longAgo);
    scheduler.onRequest(missed);
    scheduler.release();
    assertEquals(List.of(new Released("s-missed", 1)), released);
    assertEquals(List.of(), finishedOffsets, "the scheduled run is not left behind as too old");
    clock.advance(Duration.ofHours(1));
    worker("w1", 0);
    outcome("s-missed");
    scheduler.tick();
    assertEquals(List.of(new Released("s-missed", 1), new Released("s-old", 1)), released);
  }
}
