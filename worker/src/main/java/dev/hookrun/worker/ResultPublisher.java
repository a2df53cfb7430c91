package dev.hookrun.worker;

import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.RunError;
import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.common.run.RunProgress;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunStarted;
import dev.hookrun.common.run.RunStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a run's facts on the results topic: that it started ({@code running}, for the gateways'
 * views) and its outcome (the final state and the result, for the gateways and the
 * dispatchers). The outcome is written once; nothing copies it.
 *
 * <p>An outcome exists only in this worker's memory until Kafka acknowledges it, so a send that
 * failed for a passing reason (a broker away, a leader moving) is retried with back-off rather
 * than dropped; the request's offset stays uncommitted meanwhile, so even a crash here loses
 * nothing. A send Kafka refuses for good (the record is larger than the topic takes, or invalid)
 * would fail the same way forever: that run is settled as {@code failed} with the reason, which
 * is small enough to be written, so its partition moves on and its webhook says why.
 */
final class ResultPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(ResultPublisher.class);
  private static final long MAX_BACKOFF_MS = 10_000;

  private final Vertx vertx;
  private final KafkaProducer<String, String> producer;
  private final Topics topics;

  ResultPublisher(Vertx vertx, KafkaProducer<String, String> producer, Topics topics) {
    this.vertx = vertx;
    this.producer = producer;
    this.topics = topics;
  }

  /** Best effort: a lost {@code running} record only delays what status shows until the outcome. */
  void started(RunStarted started) {
    var record = KafkaProducerRecord.create(topics.results(), started.runId(), started.toJson().encode());
    record.addHeader(RunHeaders.KIND, RunHeaders.KIND_RUNNING);
    producer.send(record).onFailure(e ->
        LOG.debug("run {}: running record not written: {}", started.runId(), e.toString()));
  }

  /** Best effort, like {@link #started}: the next report or the outcome supersedes a lost one. */
  void progress(RunProgress progress) {
    var record = KafkaProducerRecord.create(topics.results(), progress.runId(), progress.toJson().encode());
    record.addHeader(RunHeaders.KIND, RunHeaders.KIND_PROGRESS);
    producer.send(record).onFailure(e ->
        LOG.debug("run {}: progress record not written: {}", progress.runId(), e.toString()));
  }

  /**
   * Publishes until acknowledged, or until {@code giveUp} says the result is no longer ours to
   * send. Completes with the outcome that was written: {@code result}, or the failure that
   * replaced it when Kafka refused it for good.
   */
  Future<RunResult> publish(RunResult result, BooleanSupplier giveUp) {
    Promise<RunResult> done = Promise.promise();
    attempt(result, giveUp, done, 250);
    return done.future();
  }

  private void attempt(RunResult result, BooleanSupplier giveUp, Promise<RunResult> done, long backoffMs) {
    if (giveUp.getAsBoolean()) {
      done.tryFail("abandoned");
      return;
    }
    String value = result.toJson().encode();
    var record = KafkaProducerRecord.create(topics.results(), result.runId(), value);
    record.addHeader(RunHeaders.KIND, RunHeaders.KIND_OUTCOME);
    producer.send(record).onComplete(sent -> {
      if (sent.succeeded()) {
        done.tryComplete(result);
        return;
      }
      Throwable cause = sent.cause();
      if (isPermanent(cause) && result.error() == null) {
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        LOG.warn("run {}: Kafka refused its outcome of {} bytes for good ({}); settling it as failed",
            result.runId(), bytes, cause.toString());
        attempt(tooLarge(result, bytes, cause), giveUp, done, backoffMs);
        return;
      }
      LOG.warn("run {}: publishing the outcome failed, retrying in {} ms: {}",
          result.runId(), backoffMs, cause.toString());
      vertx.setTimer(backoffMs, t -> attempt(result, giveUp, done, Math.min(MAX_BACKOFF_MS, backoffMs * 2)));
    });
  }

  /** Kafka will refuse this record every time: retrying cannot help. */
  static boolean isPermanent(Throwable cause) {
    return cause instanceof org.apache.kafka.common.KafkaException
        && !(cause instanceof RetriableException)
        && !(cause instanceof TimeoutException)
        && !(cause instanceof org.apache.kafka.common.errors.InterruptException);
  }

  private static RunResult tooLarge(RunResult result, int bytes, Throwable cause) {
    boolean size = cause instanceof org.apache.kafka.common.errors.RecordTooLargeException;
    RunError error = size
        ? new RunError("result_too_large", "The model's result (" + bytes
            + " bytes as JSON) is larger than the results topic accepts; it was not kept.")
        : new RunError("result_not_recorded", "Kafka refused the run's result: " + cause.getMessage());
    return new RunResult(result.runId(), result.project(), result.app(), RunStatus.FAILED, null, error,
        result.runTimeMs(), result.createdAt(), result.startedAt(), result.completedAt(), result.webhookEndpoint(),
        result.workerId(), result.webhookEvents(), result.retryOf());
  }
}
