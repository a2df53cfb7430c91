package dev.hookrun.worker;

import dev.hookrun.common.run.RunProgress;
import dev.hookrun.common.run.RunRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * Publishes a running model's progress reports, at most one per PROGRESS_MIN_INTERVAL per run and
 * always the newest: a model may report every millisecond without costing a Kafka record each time.
 * Its own class because the throttle (a pending report, a timer, a sequence number per run) is
 * apart from starting and ending runs; {@link RunExecutor} only hands it the reports and cancels
 * the timer when the outcome supersedes a waiting report.
 */
final class ProgressReports {

  private final Vertx vertx;
  private final ResultPublisher publisher;
  private final WorkerConfig config;
  private final Clock clock;

  /** Publishes the run's start event if it has not gone yet: progress never comes before it. */
  private final Consumer<InFlightRun> publishRunning;

  ProgressReports(
      Vertx vertx,
      ResultPublisher publisher,
      WorkerConfig config,
      Clock clock,
      Consumer<InFlightRun> publishRunning) {
    this.vertx = vertx;
    this.publisher = publisher;
    this.config = config;
    this.clock = clock;
    this.publishRunning = publishRunning;
  }

  /** Keeps the newest report and publishes it now or when the interval is over. */
  void report(InFlightRun run, JsonObject progress) {
    if (run.publishing != null || run.abandoned || progress == null) {
      return;
    }
    run.pendingProgress = progress.copy();
    if (run.progressTimer != -1) {
      return; // the newest report goes out when the interval is over
    }
    long wait = run.lastProgressAtMillis + config.progressMinInterval().toMillis() - clock.millis();
    if (wait <= 0) {
      publish(run);
    } else {
      run.progressTimer =
          vertx.setTimer(
              wait,
              t -> {
                run.progressTimer = -1;
                publish(run);
              });
    }
  }

  private void publish(InFlightRun run) {
    if (run.pendingProgress == null || run.publishing != null || run.abandoned) {
      return;
    }
    publishRunning.accept(run); // a progress event never comes before the start event
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
}
