package dev.hookrun.worker;

import dev.hookrun.common.run.RunRequest;
import dev.hookrun.worker.model.ModelRun;
import io.vertx.core.Future;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A run this worker has started and not yet handed to the results topic. */
final class InFlightRun {

  /** Why a run was stopped before its model finished. */
  enum StopReason {
    NONE,
    TIMEOUT,
    CANCELLED
  }

  /** The work record the run came in; settled with the share group once. */
  final ConsumerRecord<String, String> record;

  final int attempt;
  final RunRequest request;
  final Instant startedAt;
  ModelRun modelRun;
  long timeoutTimer = -1;
  long runningStateTimer = -1;
  boolean runningPublished;

  /** The newest progress report not yet published, and when the last one was. */
  io.vertx.core.json.JsonObject pendingProgress;

  long progressTimer = -1;
  long lastProgressAtMillis = Long.MIN_VALUE / 2;
  long progressSeq;
  StopReason stopReason = StopReason.NONE;

  /** Set once the outcome is being published; the run can no longer be abandoned silently. */
  Future<?> publishing;

  /** Set when the run was handed back: another worker runs it, so this one stays quiet. */
  boolean abandoned;

  /** Whether its record was settled (accepted or released) with the share group. */
  boolean settled;

  InFlightRun(
      ConsumerRecord<String, String> record, RunRequest request, Instant startedAt, int attempt) {
    this.record = record;
    this.request = request;
    this.startedAt = startedAt;
    this.attempt = attempt;
  }
}
