package dev.hookrun.worker;

import dev.hookrun.common.kafka.ShareConsumerLoop;
import dev.hookrun.common.metrics.Meters;
import dev.hookrun.common.run.RunError;
import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.common.run.RunRequest;
import dev.hookrun.common.run.RunStarted;
import dev.hookrun.common.run.RunStatus;
import dev.hookrun.common.run.WebhookEvents;
import dev.hookrun.worker.model.Model;
import dev.hookrun.worker.model.ModelRegistry;
import dev.hookrun.worker.model.RunCancelledException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the records one share-group member acquires from the work topic, and settles each record
 * with the group.
 *
 * <p>All state lives on the owning verticle's event loop. A record is accepted (taken off the share
 * group for good) as soon as its run is on record somewhere the scheduler reads: its outcome (a run
 * that ends within moments) or its {@code running} record naming this worker. Until then the share
 * group's lock keeps it, and a worker that dies first leaves it to the group, which hands it to
 * another worker and counts the delivery. After that the scheduler keeps it: a worker that stops
 * heartbeating has its running runs released again (docs/decisions.md). A run handed out more than
 * {@code MAX_DELIVERY_ATTEMPTS} times ends {@code failed} with {@code worker_lost} instead of
 * running again, so a run that kills its worker cannot kill them all.
 *
 * <p>Starting, cancelling, timing out, settling and draining a run change the same in-flight
 * bookkeeping (per run id, the in-flight count that sets the member's demand) and stay here; the
 * progress throttle ({@link ProgressReports}), the time limit ({@link RunTimeLimit}) and the way
 * from an outcome to the results topic ({@link OutcomePublisher}) live in their own classes. Still
 * over 300 lines for that reason: each step here must see the others' last change to a run.
 */
final class RunExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(RunExecutor.class);
  private static final long RUNNING_STATE_DELAY_MS = 100;

  private final Vertx vertx;
  private final ModelRegistry models;
  private final ResultPublisher publisher;
  private final ProgressReports progress;
  private final OutcomePublisher outcomes;
  private final WorkerConfig config;
  private final String workerName;
  private final Clock clock;
  private final Map<String, InFlightRun> byRunId = new HashMap<>();
  private final CancelledRuns cancelled;
  private ShareConsumerLoop loop;
  private int inFlight;
  private Promise<Void> drained;

  RunExecutor(
      Vertx vertx,
      ModelRegistry models,
      ResultPublisher publisher,
      CancelledRuns cancelled,
      WorkerConfig config,
      String workerName,
      Clock clock) {
    this.vertx = vertx;
    this.cancelled = cancelled;
    this.models = models;
    this.publisher = publisher;
    this.config = config;
    this.workerName = workerName;
    this.clock = clock;
    this.progress = new ProgressReports(vertx, publisher, config, clock, this::publishRunning);
    this.outcomes = new OutcomePublisher(publisher, workerName, clock);
  }

  /** Large results go to the result store before their outcome is published. */
  void offloadLargeResults(ResultOffloader offloader) {
    outcomes.offloadLargeResults(offloader);
  }

  /** The member this executor settles records with; it asks for records while it has room. */
  void attach(ShareConsumerLoop loop) {
    this.loop = loop;
    updateDemand();
  }

  int inFlight() {
    return inFlight;
  }

  /**
   * How many runs one poll may bring: a tenth of the slots (at least one, at most 500), asked for
   * only while that many slots are free, so a poll never acquires a run this member has no slot
   * for.
   */
  static int batchSize(int maxInflight) {
    return Math.max(1, Math.min(500, maxInflight / 10));
  }

  private void updateDemand() {
    if (loop != null) {
      loop.demand(
          drained == null && config.maxInflight() - inFlight >= batchSize(config.maxInflight()));
    }
  }

  void onRecords(List<ConsumerRecord<String, String>> records) {
    for (ConsumerRecord<String, String> record : records) {
      accept(record);
    }
    updateDemand();
  }

  /**
   * Which time this run is handed to a worker: the scheduler's count plus the group's redeliveries.
   */
  static int attemptOf(ConsumerRecord<String, String> record) {
    int released;
    try {
      String header = RunHeaders.text(record.headers(), RunHeaders.ATTEMPT);
      released = header == null ? 1 : Math.max(1, Integer.parseInt(header));
    } catch (NumberFormatException e) {
      released = 1;
    }
    int deliveries = record.deliveryCount().map(Short::intValue).orElse(1);
    return released + Math.max(0, deliveries - 1);
  }

  private void accept(ConsumerRecord<String, String> record) {
    RunRequest request;
    try {
      request = RunRequest.fromJson(new JsonObject(record.value()));
    } catch (RuntimeException e) {
      // A record we cannot read will not become readable by handing it on: archive it, loudly.
      LOG.error(
          "rejecting a malformed run at {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.toString());
      loop.settle(record, AcknowledgeType.REJECT);
      return;
    }
    if (byRunId.containsKey(request.runId())) {
      // Released again while this worker still runs it (its heartbeats were late): one copy runs.
      LOG.info("run {} is already running here; settling the second copy", request.runId());
      loop.settle(record, AcknowledgeType.ACCEPT);
      return;
    }
    Instant now = clock.instant();
    int attempt = attemptOf(record);
    InFlightRun run = new InFlightRun(record, request, now, attempt);
    byRunId.put(request.runId(), run);
    inFlight++;
    if (attempt > config.maxDeliveryAttempts()) {
      complete(run, RunStatus.FAILED, null, RunError.workerLost(attempt - 1));
      return;
    }
    if (cancelled.contains(request.runId())) {
      complete(run, RunStatus.CANCELLED, null, null);
      return;
    }
    if (request.expiresAt() != null && now.isAfter(request.expiresAt())) {
      complete(run, RunStatus.EXPIRED, null, RunError.EXPIRED_IN_QUEUE);
      return;
    }
    Model model = models.forApp(request.app()).orElse(null);
    if (model == null) {
      complete(
          run,
          RunStatus.FAILED,
          null,
          new RunError("unknown_app", "This worker has no model for app '" + request.app() + "'."));
      return;
    }
    LOG.atDebug()
        .addKeyValue("run_id", request.runId())
        .log("run {} running on {} (attempt {})", request.runId(), workerName, attempt);
    // Runs that end within moments go queued → final without a "running" record in between:
    // one Kafka record, and one state for every gateway to read, less per short run. A webhook
    // that asked for the start event gets it at once.
    if (WebhookEvents.wants(request.webhookEvents(), WebhookEvents.START)
        && request.webhookEndpoint() != null) {
      publishRunning(run);
    } else {
      run.runningStateTimer = vertx.setTimer(RUNNING_STATE_DELAY_MS, t -> publishRunning(run));
    }
    Meters.queueWait(
        request.app(),
        Duration.between(request.createdAt() == null ? now : request.createdAt(), now));
    try {
      run.modelRun = model.start(request.input(), report -> progress.report(run, report));
    } catch (RuntimeException e) {
      complete(run, RunStatus.FAILED, null, modelError(e));
      return;
    }
    Duration limit = RunTimeLimit.of(request, config.maxRunTime());
    run.timeoutTimer =
        vertx.setTimer(
            Math.max(1, limit.toMillis()),
            t -> {
              run.stopReason = InFlightRun.StopReason.TIMEOUT;
              run.modelRun.cancel();
            });
    run.modelRun.result().onComplete(outcome -> modelFinished(run, outcome));
  }

  private void publishRunning(InFlightRun run) {
    if (run.runningPublished || run.publishing != null || run.abandoned) {
      return;
    }
    vertx.cancelTimer(run.runningStateTimer);
    run.runningPublished = true;
    // Once the running record names this worker the scheduler can release the run again if this
    // worker dies, so the share group need not hold it any longer.
    publisher
        .started(RunStarted.of(run.request, workerName, run.startedAt), () -> run.abandoned)
        .onSuccess(v -> settle(run, AcknowledgeType.ACCEPT));
  }

  /** Settles the run's record with the share group, once. */
  private void settle(InFlightRun run, AcknowledgeType type) {
    if (!run.settled) {
      run.settled = true;
      loop.settle(run.record, type);
    }
  }

  private void modelFinished(InFlightRun run, AsyncResult<Object> outcome) {
    if (run.abandoned) {
      return;
    }
    vertx.cancelTimer(run.timeoutTimer);
    if (outcome.succeeded()) {
      complete(run, RunStatus.SUCCEEDED, outcome.result(), null);
    } else if (outcome.cause() instanceof RunCancelledException) {
      switch (run.stopReason) {
        case TIMEOUT ->
            complete(
                run,
                RunStatus.FAILED,
                null,
                RunTimeLimit.exceeded(run.request, config.maxRunTime()));
        case CANCELLED -> complete(run, RunStatus.CANCELLED, null, null);
        default -> complete(run, RunStatus.FAILED, null, modelError(outcome.cause()));
      }
    } else {
      complete(run, RunStatus.FAILED, null, modelError(outcome.cause()));
    }
  }

  private void complete(InFlightRun run, RunStatus status, Object result, RunError error) {
    vertx.cancelTimer(run.runningStateTimer);
    vertx.cancelTimer(run.progressTimer); // the outcome supersedes a report still waiting
    run.publishing =
        outcomes
            .publish(run, status, result, error)
            .onSuccess(
                written -> {
                  settle(run, AcknowledgeType.ACCEPT);
                  release(run);
                });
  }

  private void release(InFlightRun run) {
    if (byRunId.remove(run.request.runId(), run)) {
      inFlight--;
      if (drained != null && inFlight == 0) {
        drained.tryComplete();
      }
      updateDemand();
    }
  }

  /** Stops a run on request of its owner (cancel command); it ends {@code cancelled}. */
  boolean cancel(String runId) {
    InFlightRun run = byRunId.get(runId);
    if (run == null || run.modelRun == null || run.publishing != null || run.abandoned) {
      return false;
    }
    run.stopReason = InFlightRun.StopReason.CANCELLED;
    run.modelRun.cancel();
    return true;
  }

  /**
   * Stops taking work and lets in-flight runs finish for up to {@code timeout}; then stops the runs
   * still going, unpublished, and completes with how many it handed back. A handed-back run whose
   * record is not settled yet goes back to the share group; one that is (its running record names
   * this worker) is released again by the scheduler once this worker says it left.
   */
  Future<Integer> drain(Duration timeout) {
    drained = Promise.promise();
    updateDemand();
    if (inFlight == 0) {
      drained.complete();
    } else {
      LOG.info("draining {} in-flight runs for up to {}", inFlight, timeout);
      vertx.setTimer(Math.max(1, timeout.toMillis()), t -> drained.tryComplete());
    }
    return drained
        .future()
        .map(
            v -> {
              int handedBack = 0;
              for (InFlightRun run : List.copyOf(byRunId.values())) {
                if (run.publishing != null) {
                  continue; // its outcome is on the way; the producer's close waits for it
                }
                handBack(run);
                handedBack++;
              }
              return handedBack;
            });
  }

  private void handBack(InFlightRun run) {
    run.abandoned = true;
    vertx.cancelTimer(run.timeoutTimer);
    vertx.cancelTimer(run.progressTimer);
    vertx.cancelTimer(run.runningStateTimer);
    if (run.modelRun != null) {
      run.modelRun.cancel();
    }
    settle(run, AcknowledgeType.RELEASE);
    LOG.info("run {} handed back; another worker runs it", run.request.runId());
    release(run);
  }

  private static RunError modelError(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new RunError("model_error", message);
  }
}
