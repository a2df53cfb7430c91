package dev.hookrun.worker;

import dev.hookrun.common.kafka.ConsumerLoop;
import dev.hookrun.common.kafka.OffsetCommitter;
import dev.hookrun.common.metrics.Meters;
import dev.hookrun.common.run.RunError;
import dev.hookrun.common.run.RunProgress;
import dev.hookrun.common.run.RunRequest;
import dev.hookrun.common.run.RunResult;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the requests one group member receives, and decides what may be committed.
 *
 * <p>All state lives on the owning verticle's event loop. A request's offset is finished only once
 * its outcome is acknowledged by the results topic; the {@link OffsetCommitter} turns those
 * out-of-order completions into safe commits. When partitions move away, their running models are
 * stopped without publishing (the new owner runs them from the committed offset), and outcomes
 * already being published are awaited briefly so their offsets can be committed first.
 *
 * <p>Over 300 lines on purpose: starting, cancelling, timing out, publishing, revoking and draining
 * a run all change the same in-flight bookkeeping (per partition, per run id, the in-flight count
 * that pauses the loop), and each must see the others' last step; publishing and the model contract
 * already live elsewhere ({@code ResultPublisher}, {@code Model}).
 */
final class RunExecutor implements ConsumerLoop.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(RunExecutor.class);
  private static final long REVOKE_PUBLISH_WAIT_MS = 5_000;
  private static final long RUNNING_STATE_DELAY_MS = 100;

  private final Vertx vertx;
  private final ModelRegistry models;
  private final ResultPublisher publisher;
  private ResultOffloader offloader;
  private final WorkerConfig config;
  private final Clock clock;
  private OffsetCommitter committer;
  private final Map<TopicPartition, Set<InFlightRun>> byPartition = new HashMap<>();
  private final Map<String, InFlightRun> byRunId = new HashMap<>();
  private final RecentRuns recent;
  private final CancelledRuns cancelled;
  private ConsumerLoop loop;
  private int inFlight;
  private Promise<Void> drained;
  private long drainDeadline;

  RunExecutor(
      Vertx vertx,
      ModelRegistry models,
      ResultPublisher publisher,
      CancelledRuns cancelled,
      WorkerConfig config,
      Clock clock) {
    this.vertx = vertx;
    this.recent = new RecentRuns(20_000, config.kafka().runRetention());
    this.cancelled = cancelled;
    this.models = models;
    this.publisher = publisher;
    this.config = config;
    this.clock = clock;
  }

  /** Large results go to the result store before their outcome is published. */
  void offloadLargeResults(ResultOffloader offloader) {
    this.offloader = offloader;
  }

  @Override
  public void onAttached(ConsumerLoop loop) {
    this.loop = loop;
    this.committer = new OffsetCommitter(vertx, loop);
  }

  int inFlight() {
    return inFlight;
  }

  @Override
  public void onRecords(List<ConsumerRecord<String, String>> records) {
    for (ConsumerRecord<String, String> record : records) {
      accept(record);
    }
    if (inFlight >= config.maxInflight()) {
      loop.setPaused(true);
    }
  }

  private void accept(ConsumerRecord<String, String> record) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    committer.started(partition, record.offset());
    RunRequest request;
    try {
      request = RunRequest.fromJson(new JsonObject(record.value()));
    } catch (RuntimeException e) {
      // A record we cannot read will not become readable by retrying: skip it, loudly.
      LOG.error(
          "skipping malformed request at {}@{}: {}", partition, record.offset(), e.toString());
      committer.finished(partition, record.offset());
      return;
    }
    if (byRunId.containsKey(request.runId()) || recent.contains(partition, request)) {
      // The same run twice in a row: one Idempotency-Key sent to two gateways at once, or a
      // client retrying with the key after an answer that left the outcome unknown.
      LOG.info(
          "run {} already taken at {}; skipping the duplicate request at offset {}",
          request.runId(),
          partition,
          record.offset());
      committer.finished(partition, record.offset());
      return;
    }
    recent.add(partition, request);
    Instant now = clock.instant();
    InFlightRun run = new InFlightRun(partition, record.offset(), request, now);
    byPartition.computeIfAbsent(partition, p -> new LinkedHashSet<>()).add(run);
    byRunId.put(request.runId(), run);
    inFlight++;
    if (cancelled.contains(request.runId())) {
      complete(run, RunStatus.CANCELLED, null, null);
      return;
    }
    if (request.expiresAt() != null && now.isAfter(request.expiresAt())) {
      complete(
          run,
          RunStatus.EXPIRED,
          null,
          new RunError(
              "expired",
              "The run waited in the queue longer than its time-to-live and was not started."));
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
        .log(
            "run {} running on {} ({}@{})",
            request.runId(),
            config.workerId(),
            partition,
            record.offset());
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
      run.modelRun = model.start(request.input(), progress -> onProgress(run, progress));
    } catch (RuntimeException e) {
      complete(run, RunStatus.FAILED, null, modelError(e));
      return;
    }
    Duration limit = runTimeLimit(request);
    run.timeoutTimer =
        vertx.setTimer(
            Math.max(1, limit.toMillis()),
            t -> {
              run.stopReason = InFlightRun.StopReason.TIMEOUT;
              run.modelRun.cancel();
            });
    run.modelRun.result().onComplete(outcome -> modelFinished(run, outcome));
  }

  /** The request's own limit when it is stricter than the worker's MAX_RUN_TIME. */
  private Duration runTimeLimit(RunRequest request) {
    Duration asked = request.executionTimeout();
    return asked != null && asked.compareTo(config.maxRunTime()) < 0 ? asked : config.maxRunTime();
  }

  private void publishRunning(InFlightRun run) {
    if (run.runningPublished || run.publishing != null || run.abandoned) {
      return;
    }
    vertx.cancelTimer(run.runningStateTimer);
    run.runningPublished = true;
    publisher.started(RunStarted.of(run.request, config.workerId(), run.startedAt));
  }

  /**
   * Keeps the newest report and publishes at most one per PROGRESS_MIN_INTERVAL: a model may report
   * every millisecond without costing a Kafka record each time.
   */
  private void onProgress(InFlightRun run, JsonObject progress) {
    if (run.publishing != null || run.abandoned || progress == null) {
      return;
    }
    run.pendingProgress = progress.copy();
    if (run.progressTimer != -1) {
      return; // the newest report goes out when the interval is over
    }
    long wait = run.lastProgressAtMillis + config.progressMinInterval().toMillis() - clock.millis();
    if (wait <= 0) {
      publishProgress(run);
    } else {
      run.progressTimer =
          vertx.setTimer(
              wait,
              t -> {
                run.progressTimer = -1;
                publishProgress(run);
              });
    }
  }

  private void publishProgress(InFlightRun run) {
    if (run.pendingProgress == null || run.publishing != null || run.abandoned) {
      return;
    }
    publishRunning(run); // a progress event never comes before the start event
    run.lastProgressAtMillis = clock.millis();
    run.progressSeq++;
    RunRequest request = run.request;
    publisher.progress(
        new RunProgress(
            request.runId(),
            request.project(),
            request.app(),
            run.progressSeq,
            run.pendingProgress,
            clock.instant(),
            request.webhookEndpoint(),
            request.webhookEvents()));
    run.pendingProgress = null;
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
                new RunError(
                    "timeout",
                    run.request.executionTimeout() != null
                            && run.request.executionTimeout().compareTo(config.maxRunTime()) < 0
                        ? "The run exceeded its execution_timeout_seconds of "
                            + run.request.executionTimeout().toMillis() / 1000.0
                            + " s."
                        : "The run exceeded the maximum run time of " + config.maxRunTime() + "."));
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
    // A run that never reached its model (cancelled while queued, expired) was never started.
    RunResult outcome =
        RunResult.of(
            run.request,
            status,
            result,
            error,
            run.modelRun == null ? null : run.startedAt,
            clock.instant(),
            config.workerId());
    Future<RunResult> toPublish =
        offloader == null
            ? Future.succeededFuture(outcome)
            : offloader.offload(outcome, () -> run.abandoned);
    run.publishing =
        toPublish
            .compose(o -> publisher.publish(o, () -> run.abandoned))
            .onSuccess(
                written -> {
                  LOG.atInfo()
                      .addKeyValue("run_id", run.request.runId())
                      .log(
                          "run {} {} in {} ms",
                          run.request.runId(),
                          written.status().wire(),
                          written.runTimeMs());
                  Meters.runFinished(
                      run.request.app(),
                      written.status().wire(),
                      Duration.ofMillis(written.runTimeMs()));
                  committer.finished(run.partition, run.offset);
                  release(run);
                });
  }

  private void release(InFlightRun run) {
    Set<InFlightRun> runs = byPartition.get(run.partition);
    if (runs == null || !runs.remove(run)) {
      return; // already released by a revoke
    }
    byRunId.remove(run.request.runId(), run);
    inFlight--;
    run.released.tryComplete();
    if (drained != null) {
      if (inFlight == 0) {
        drained.tryComplete();
      }
    } else if (inFlight < config.maxInflight() && loop.isPaused()) {
      loop.setPaused(false);
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

  @Override
  public Future<Map<TopicPartition, OffsetAndMetadata>> onRevoked(Set<TopicPartition> partitions) {
    List<Future<?>> waitFor = new ArrayList<>();
    for (TopicPartition partition : partitions) {
      for (InFlightRun run : List.copyOf(byPartition.getOrDefault(partition, Set.of()))) {
        if (run.publishing != null) {
          waitFor.add(run.publishing);
        } else if (drained != null) {
          // Draining: these runs may still finish within DRAIN_TIMEOUT, even though their
          // partition is wanted elsewhere (a rolling deploy starts the new worker meanwhile).
          waitFor.add(run.released.future());
        } else {
          abandon(run);
        }
      }
    }
    Promise<Void> settled = Promise.promise();
    if (waitFor.isEmpty()) {
      settled.complete();
    } else {
      // Outcomes already on their way get a moment to land, so their offsets commit now and
      // the partition's next owner does not run them a second time.
      Future.join(waitFor).onComplete(x -> settled.tryComplete());
      vertx.setTimer(
          drained != null ? Math.max(1, drainDeadline - clock.millis()) : REVOKE_PUBLISH_WAIT_MS,
          t -> settled.tryComplete());
      if (drained != null) {
        drained.future().onComplete(x -> settled.tryComplete());
      }
    }
    return settled
        .future()
        .map(
            v -> {
              Map<TopicPartition, OffsetAndMetadata> offsets = committer.release(partitions);
              for (TopicPartition partition : partitions) {
                for (InFlightRun run : List.copyOf(byPartition.getOrDefault(partition, Set.of()))) {
                  abandon(run);
                }
                byPartition.remove(partition);
              }
              recent.forget(partitions);
              return offsets;
            });
  }

  @Override
  public void onLost(Set<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      for (InFlightRun run : List.copyOf(byPartition.getOrDefault(partition, Set.of()))) {
        abandon(run);
      }
      byPartition.remove(partition);
    }
    committer.lost(partitions);
    recent.forget(partitions);
  }

  private void abandon(InFlightRun run) {
    run.abandoned = true;
    vertx.cancelTimer(run.timeoutTimer);
    vertx.cancelTimer(run.progressTimer);
    if (run.modelRun != null) {
      run.modelRun.cancel();
    }
    LOG.info(
        "run {} handed back ({} moved away); its next owner runs it",
        run.request.runId(),
        run.partition);
    release(run);
  }

  /**
   * Stops taking work and lets in-flight runs finish for up to {@code timeout}. Runs still going
   * then are stopped unpublished: their offsets stay uncommitted and another worker runs them.
   */
  Future<Void> drain(Duration timeout) {
    drained = Promise.promise();
    drainDeadline = clock.millis() + timeout.toMillis();
    loop.setPaused(true);
    if (inFlight == 0) {
      drained.complete();
    } else {
      LOG.info("draining {} in-flight runs for up to {}", inFlight, timeout);
      vertx.setTimer(Math.max(1, timeout.toMillis()), t -> drained.tryComplete());
    }
    return drained.future();
  }

  private static RunError modelError(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new RunError("model_error", message);
  }
}
