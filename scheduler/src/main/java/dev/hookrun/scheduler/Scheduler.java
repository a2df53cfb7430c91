package dev.hookrun.scheduler;

import dev.hookrun.common.metrics.Meters;
import dev.hookrun.common.run.Priority;
import dev.hookrun.common.run.RunError;
import dev.hookrun.common.run.RunRequest;
import dev.hookrun.common.run.RunStatus;
import dev.hookrun.common.scheduling.FairQueue;
import dev.hookrun.common.scheduling.QueuedRun;
import dev.hookrun.common.scheduling.SchedulingPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which requests of this scheduler's partitions wait for their scheduled time, are queued, handed
 * to the workers (in flight) or being settled here, and the decisions: queue a scheduled run when
 * its time comes, release the next run in fair order while the workers have room, release a run
 * again when its worker left, settle a waiting run that was cancelled or expired. A request's
 * offset finishes only when its run has an outcome, so a restarted scheduler reads every unfinished
 * run again.
 *
 * <p>Knows Kafka only through {@link Outbox} and {@link Offsets}. Used on one event loop. The
 * scheduled runs' timetable ({@link ScheduledWakeUps}), the in-flight counts ({@link InFlightRuns})
 * and this scheduler's part of the room ({@link PartitionShare}) are kept in their own classes.
 * Still over 300 lines for a reason: what stays is each run's state (scheduled, queued, in flight,
 * settling) and the decisions that move it, all on one map of runs; split further, each decision
 * would need the others' steps.
 */
final class Scheduler {

  /** Where decisions go. */
  interface Outbox {
    /** Hands the run to the workers (the work topic) as its {@code attempt}-th attempt. */
    void release(RequestRecord run, int attempt);

    /** Writes the run's outcome, settled without a worker. */
    void settle(RunRequest request, RunStatus status, RunError error);
  }

  /** Where finished request offsets go (the requests consumer's committer). */
  interface Offsets {
    void finished(TopicPartition partition, long offset);
  }

  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

  private enum State {
    SCHEDULED,
    QUEUED,
    IN_FLIGHT,
    SETTLING
  }

  private static final class Tracked {
    final RequestRecord record;
    State state;
    int attempt;

    Tracked(RequestRecord record) {
      this.record = record;
    }
  }

  /** When a queued run's time-to-live ends. */
  private record Expiry(Instant at, String runId) {}

  private final FairQueue queue;

  /** Requests older than this were never seen by any view: left alone (see onRequest). */
  private final Duration retention;

  private final RunLedger ledger;
  private final WorkerRoster roster;
  private final Clock clock;
  private final Outbox outbox;
  private final Offsets offsets;
  private final Map<String, Tracked> runs = new HashMap<>();
  private final Map<TopicPartition, Set<String>> byPartition = new HashMap<>();
  private final InFlightRuns inFlight = new InFlightRuns();

  /** Queued runs by when their queue time-to-live ends. */
  private final PriorityQueue<Expiry> expiries =
      new PriorityQueue<>((a, b) -> a.at().compareTo(b.at()));

  private final ScheduledWakeUps scheduled;
  private final QueuedGauges queuedGauges = new QueuedGauges();
  private final PartitionShare share = new PartitionShare();

  /** What the gauges read, from other threads. */
  private volatile int inFlightNow;

  private volatile int capacityNow;
  private volatile int liveWorkersNow;

  Scheduler(
      SchedulingPolicy policy,
      RunLedger ledger,
      WorkerRoster roster,
      Clock clock,
      Outbox outbox,
      Offsets offsets,
      Duration retention) {
    this.queue = new FairQueue(policy, clock);
    this.retention = retention;
    this.ledger = ledger;
    this.roster = roster;
    this.clock = clock;
    this.scheduled = new ScheduledWakeUps(clock);
    this.outbox = outbox;
    this.offsets = offsets;
  }

  /**
   * A request read from one of this scheduler's partitions. Call {@link #release} after a batch.
   */
  void onRequest(RequestRecord record) {
    String runId = record.runId();
    Instant createdAt = record.request().createdAt();
    if (createdAt != null && !runs.containsKey(runId)) {
      ledger.forgetIfRenamed(runId, createdAt, retention);
    }
    if (ledger.finished(runId)) {
      offsets.finished(record.partition(), record.offset());
      return;
    }
    if (runs.containsKey(runId)) {
      // one Idempotency-Key sent to two gateways at once: the first record stands for the run
      LOG.info(
          "run {} already read; skipping the duplicate request at {}@{}",
          runId,
          record.partition(),
          record.offset());
      offsets.finished(record.partition(), record.offset());
      return;
    }
    Instant created = record.request().createdAt();
    // a run scheduled ahead counts from its time: until then it is new to every view
    Instant due = record.request().dueAt();
    if (ledger.attempt(runId) == 0
        && created != null
        && due.isBefore(clock.instant().minus(retention))) {
      // Older than every stage's look-back (a scheduler's first start on a long-kept requests
      // topic): whether it ended is no longer known, and settling it now could send a second
      // webhook for a run that ended days ago. Every view has forgotten it too.
      LOG.warn("run {} is older than RUN_RETENTION and was never released here; leaving it", runId);
      offsets.finished(record.partition(), record.offset());
      return;
    }
    if (created != null) {
      ledger.requested(runId, created);
    }
    Tracked run = new Tracked(record);
    runs.put(runId, run);
    byPartition.computeIfAbsent(record.partition(), p -> new LinkedHashSet<>()).add(runId);
    RunRequest request = record.request();
    Instant now = clock.instant();
    if (ledger.attempt(runId) > 0) {
      // released before this scheduler (re)started: the workers have it
      run.attempt = ledger.attempt(runId);
      countInFlight(run);
      releaseAgainIfItsWorkerLeft(run);
    } else if (ledger.cancelledBeforeStart(runId)) {
      settle(run, RunStatus.CANCELLED, null);
    } else if (request.expiresAt() != null && now.isAfter(request.expiresAt())) {
      settle(run, RunStatus.EXPIRED, RunError.EXPIRED_IN_QUEUE);
    } else if (request.scheduledFor() != null && now.isBefore(request.scheduledFor())) {
      run.state = State.SCHEDULED;
      scheduled.add(request.scheduledFor(), runId);
    } else {
      enqueue(run, now);
    }
  }

  /**
   * Calls {@code wakeAt} with the time of the next scheduled run whenever that time is earlier than
   * any it was given before (or those passed): one timer at a time, not one per run.
   */
  void wakeAt(Consumer<Instant> wakeAt) {
    scheduled.wakeAt(wakeAt);
  }

  /** What the timer asked through {@code wakeAt} calls at its time. */
  void wake() {
    scheduled.woke();
    tick();
  }

  private void enqueue(Tracked run, Instant now) {
    RunRequest request = run.record.request();
    run.state = State.QUEUED;
    // a scheduled run's wait (and so its aging) starts at its time, not when it was accepted
    Instant queuedAt = request.dueAt() == null ? now : request.dueAt();
    queue.add(
        new QueuedRun(run.record.runId(), request.project(), run.record.priority(), queuedAt));
    queuedGauges.add(request.project(), run.record.priority());
    if (request.expiresAt() != null) {
      expiries.add(new Expiry(request.expiresAt(), run.record.runId()));
    }
  }

  /** Queues the scheduled runs whose time has come, earliest first. */
  private void queueDue(Instant now) {
    scheduled.takeDue(
        now,
        runId -> {
          Tracked run = runs.get(runId);
          if (run != null && run.state == State.SCHEDULED) {
            enqueue(run, now);
          }
        });
  }

  /** A fact the ledger has just applied. Call {@link #release} after a batch. */
  void onFact(Fact fact) {
    if (fact instanceof Fact.Finished f) {
      finished(f.runId());
    } else if (fact instanceof Fact.Cancelled c) {
      Tracked run = runs.get(c.runId());
      if (run != null && run.state == State.QUEUED) {
        unqueue(run);
        settle(run, RunStatus.CANCELLED, null);
      } else if (run != null && run.state == State.SCHEDULED) {
        settle(run, RunStatus.CANCELLED, null);
      }
    } else if (fact instanceof Fact.Running r) {
      Tracked run = runs.get(r.runId());
      if (run != null && run.state == State.IN_FLIGHT) {
        releaseAgainIfItsWorkerLeft(run); // started by a worker already gone: read late
      }
    }
  }

  /**
   * Every second, and at each scheduled run's time: queues the scheduled runs whose time came,
   * settles queued runs whose time-to-live passed, releases again the runs of workers that left,
   * then fills the room.
   */
  void tick() {
    Instant now = clock.instant();
    queueDue(now);
    while (!expiries.isEmpty() && now.isAfter(expiries.peek().at())) {
      Tracked run = runs.get(expiries.poll().runId());
      if (run != null && run.state == State.QUEUED) {
        unqueue(run);
        settle(run, RunStatus.EXPIRED, RunError.EXPIRED_IN_QUEUE);
      }
    }
    for (WorkerRoster.Gone gone : roster.newlyGone()) {
      LOG.info(
          "worker {} {}; releasing again the runs it was running",
          gone.workerId(),
          gone.reason() == WorkerRoster.Reason.LOST ? "is silent past its lease" : "left");
      for (String runId : inFlight.runIds()) {
        if (gone.workerId().equals(ledger.runningOn(runId))) {
          releaseAgain(runs.get(runId), gone.reason());
        }
      }
    }
    release();
  }

  /**
   * Releases runs in fair order while fewer are in flight than the workers have slots, plus one
   * spare per worker: a worker that frees a slot finds its next run already waiting on the work
   * topic instead of waiting for this scheduler to notice.
   */
  void release() {
    int limit = limit();
    while (inFlight.size() < limit) {
      Optional<QueuedRun> next = queue.next(inFlight.byProject());
      if (next.isEmpty()) {
        break;
      }
      QueuedRun queued = next.get();
      Tracked run = runs.get(queued.runId());
      queuedGauges.remove(queued.project(), queued.priority());
      run.attempt = 1;
      countInFlight(run);
      ledger.released(queued.runId(), 1, clock.millis());
      outbox.release(run.record, 1);
      Meters.runReleased();
    }
    inFlightNow = inFlight.size();
    capacityNow = share.of(roster.slots());
    liveWorkersNow = roster.liveWorkers();
  }

  /** This scheduler owns {@code owned} of the requests topic's {@code total} partitions. */
  void ownShare(int owned, int total) {
    share.own(owned, total);
  }

  /** Partitions gone to another scheduler: it reads their runs again. */
  void forget(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      Set<String> ids = byPartition.remove(partition);
      if (ids == null) {
        continue;
      }
      for (String runId : ids) {
        Tracked run = runs.remove(runId);
        if (run == null) {
          continue;
        }
        if (run.state == State.QUEUED) {
          unqueue(run);
        } else if (run.state == State.IN_FLIGHT) {
          uncountInFlight(run);
        }
      }
    }
  }

  int queued() {
    return queue.size();
  }

  int queued(String project, Priority priority) {
    return queuedGauges.queued(project, priority);
  }

  int inFlight() {
    return inFlightNow;
  }

  int capacity() {
    return capacityNow;
  }

  int liveWorkers() {
    return liveWorkersNow;
  }

  /** Stops exporting queue gauges. */
  void close() {
    queuedGauges.close();
  }

  private int limit() {
    return share.of((long) roster.slots() + roster.liveWorkers());
  }

  private void finished(String runId) {
    Tracked run = runs.remove(runId);
    if (run == null) {
      return;
    }
    Set<String> ids = byPartition.get(run.record.partition());
    if (ids != null) {
      ids.remove(runId);
    }
    if (run.state == State.QUEUED) {
      unqueue(run); // settled elsewhere (a worker of the old path, another scheduler)
    } else if (run.state == State.IN_FLIGHT) {
      uncountInFlight(run);
    }
    offsets.finished(run.record.partition(), run.record.offset());
  }

  private void releaseAgainIfItsWorkerLeft(Tracked run) {
    String worker = ledger.runningOn(run.record.runId());
    WorkerRoster.Reason reason = worker == null ? null : roster.goneFor(worker);
    if (reason != null) {
      releaseAgain(run, reason);
    }
  }

  /** Ahead of the queue and not counted again: the run was in flight already. */
  private void releaseAgain(Tracked run, WorkerRoster.Reason reason) {
    String runId = run.record.runId();
    int attempt = Math.max(run.attempt, ledger.attempt(runId));
    if (reason == WorkerRoster.Reason.LOST) {
      attempt++;
    }
    run.attempt = attempt;
    ledger.released(runId, attempt, clock.millis());
    LOG.info("run {}: released again as attempt {} ({})", runId, attempt, reason.wire);
    outbox.release(run.record, attempt);
    Meters.runReleasedAgain(reason.wire);
  }

  private void settle(Tracked run, RunStatus status, RunError error) {
    run.state = State.SETTLING;
    outbox.settle(run.record.request(), status, error);
  }

  private void unqueue(Tracked run) {
    queue.remove(run.record.runId());
    queuedGauges.remove(run.record.request().project(), run.record.priority());
  }

  private void countInFlight(Tracked run) {
    run.state = State.IN_FLIGHT;
    inFlight.add(run.record.runId(), run.record.request().project());
  }

  private void uncountInFlight(Tracked run) {
    inFlight.remove(run.record.runId(), run.record.request().project());
  }
}
