package dev.hookrun.worker;

import dev.hookrun.common.kafka.DurableProducer;
import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.RunError;
import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.common.run.RunProgress;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunStarted;
import dev.hookrun.common.run.RunStatus;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a run's facts on the results topic: that it started ({@code running}, for the gateways'
 * views) and its outcome (the final state and the result, for the gateways and the dispatchers).
 * The outcome is written once; nothing copies it.
 *
 * <p>An outcome exists only in this worker's memory until Kafka acknowledges it, so a send that
 * failed for a passing reason (a broker away, a leader moving) is retried with back-off rather than
 * dropped; the request's offset stays uncommitted meanwhile, so even a crash here loses nothing. A
 * send Kafka refuses for good (the record is larger than the topic takes, or invalid) would fail
 * the same way forever: that run is settled as {@code failed} with the reason, which is small
 * enough to be written, so its partition moves on and its webhook says why.
 *
 * <p>Sends are made on the worker's event loop ({@link
 * dev.hookrun.common.kafka.EventLoopProducer}).
 */
final class ResultPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(ResultPublisher.class);

  private final Producer<String, String> producer;
  private final DurableProducer durable;
  private final Topics topics;

  ResultPublisher(Context context, Producer<String, String> producer, Topics topics) {
    this.producer = producer;
    // the retry loop is the common one; what to write instead of a refused outcome is ours
    this.durable = DurableProducer.direct(context, producer);
    this.topics = topics;
  }

  /**
   * Until acknowledged or {@code giveUp}: the {@code running} record names the worker holding the
   * run, which is what lets the scheduler release the run again if that worker dies.
   */
  Future<Void> started(RunStarted started, BooleanSupplier giveUp) {
    var record =
        new ProducerRecord<String, String>(
            topics.results(), started.runId(), started.toJson().encode());
    record.headers().add(RunHeaders.KIND, RunHeaders.bytes(RunHeaders.KIND_RUNNING));
    return durable.send(record, giveUp).mapEmpty();
  }

  /** Best effort: the next report or the outcome supersedes a lost one. */
  void progress(RunProgress progress) {
    bestEffort(progress.runId(), progress.toJson().encode(), RunHeaders.KIND_PROGRESS);
  }

  private void bestEffort(String runId, String value, String kind) {
    var record = new ProducerRecord<String, String>(topics.results(), runId, value);
    record.headers().add(RunHeaders.KIND, RunHeaders.bytes(kind));
    try {
      producer.send(
          record,
          (metadata, e) -> {
            if (e != null) {
              LOG.debug("run {}: {} record not written: {}", runId, kind, e.toString());
            }
          });
    } catch (RuntimeException e) { // a closing producer
      LOG.debug("run {}: {} record not written: {}", runId, kind, e.toString());
    }
  }

  /**
   * Publishes until acknowledged, or until {@code giveUp} says the result is no longer ours to
   * send. Completes with the outcome that was written: {@code result}, or the failure that replaced
   * it when Kafka refused it for good.
   */
  Future<RunResult> publish(RunResult result, BooleanSupplier giveUp) {
    String value = result.toJson().encode();
    var record = new ProducerRecord<String, String>(topics.results(), result.runId(), value);
    record.headers().add(RunHeaders.KIND, RunHeaders.bytes(RunHeaders.KIND_OUTCOME));
    return durable
        .send(record, giveUp)
        .map(result)
        .recover(
            cause -> {
              if (DurableProducer.permanent(cause) && result.error() == null) {
                int bytes = value.getBytes(StandardCharsets.UTF_8).length;
                LOG.warn(
                    "run {}: Kafka refused its outcome of {} bytes for good ({}); settling it as failed",
                    result.runId(),
                    bytes,
                    cause.toString());
                return publish(tooLarge(result, bytes, cause), giveUp);
              }
              return Future.failedFuture(cause);
            });
  }

  private static RunResult tooLarge(RunResult result, int bytes, Throwable cause) {
    boolean size = cause instanceof org.apache.kafka.common.errors.RecordTooLargeException;
    RunError error =
        size
            ? new RunError(
                "result_too_large",
                "The model's result ("
                    + bytes
                    + " bytes as JSON) is larger than the results topic accepts; it was not kept.")
            : new RunError(
                "result_not_recorded", "Kafka refused the run's result: " + cause.getMessage());
    return new RunResult(
        result.runId(),
        result.project(),
        result.app(),
        RunStatus.FAILED,
        null,
        error,
        result.runTimeMs(),
        result.createdAt(),
        result.startedAt(),
        result.completedAt(),
        result.webhookEndpoint(),
        result.workerId(),
        result.webhookEvents(),
        result.retryOf());
  }
}
