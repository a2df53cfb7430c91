package dev.hookrun.worker;

import dev.hookrun.common.metrics.Meters;
import dev.hookrun.common.run.RunError;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunStatus;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's way from its outcome to the results topic: the result record, a large result moved to the
 * result store first, the publish, then the log line and the run meters once it is written. Its own
 * class because that path is the same whatever ended the run; {@link RunExecutor} decides the
 * outcome and, once it is written, settles the record and frees the slot.
 */
final class OutcomePublisher {

  /** Under the executor's name: operators filter the worker's log by it. */
  private static final Logger LOG = LoggerFactory.getLogger(RunExecutor.class);

  private final ResultPublisher publisher;
  private final String workerName;
  private final Clock clock;
  private ResultOffloader offloader;

  OutcomePublisher(ResultPublisher publisher, String workerName, Clock clock) {
    this.publisher = publisher;
    this.workerName = workerName;
    this.clock = clock;
  }

  /** Large results go to the result store before their outcome is published. */
  void offloadLargeResults(ResultOffloader offloader) {
    this.offloader = offloader;
  }

  /** Completes once the outcome is written (after its log line and meters). */
  Future<RunResult> publish(InFlightRun run, RunStatus status, Object result, RunError error) {
    // A run that never reached its model (cancelled while queued, expired) was never started.
    RunResult outcome =
        RunResult.of(
            run.request,
            status,
            result,
            error,
            run.modelRun == null ? null : run.startedAt,
            clock.instant(),
            workerName);
    Future<RunResult> toPublish =
        offloader == null
            ? Future.succeededFuture(outcome)
            : offloader.offload(outcome, () -> run.abandoned);
    return toPublish
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
            });
  }
}
