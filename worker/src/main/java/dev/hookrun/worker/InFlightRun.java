package dev.hookrun.worker;

import dev.hookrun.common.run.RunRequest;
import dev.hookrun.worker.model.ModelRun;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import org.apache.kafka.common.TopicPartition;

/** A run this worker has started and not yet handed to the results topic. */
final class InFlightRun {

  /** Why a run was stopped before its model finished. */
  enum StopReason {
    NONE,
    TIMEOUT,
    CANCELLED
  }

  final TopicPartition partition;
  final long offset;
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

  /** Set when the partition moved away: the new owner runs it, so this worker stays quiet. */
  boolean abandoned;

  /** Completes when the run leaves this worker (published or handed back). */
  final Promise<Void> released = Promise.promise();

  InFlightRun(TopicPartition partition, long offset, RunRequest request, Instant startedAt) {
    this.partition = partition;
    this.offset = offset;
    this.request = request;
    this.startedAt = startedAt;
  }
}
