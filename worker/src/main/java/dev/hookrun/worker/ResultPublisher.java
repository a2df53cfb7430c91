package dev.hookrun.worker;

import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunState;
import java.time.Instant;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts outcomes on the results topic (for the dispatchers) and the run's final state on the
 * run-state topic (for the gateways). An outcome exists only in this worker's memory until Kafka
 * acknowledges it, so a failed send is retried (with back-off) rather than dropped; the request's
 * offset stays uncommitted meanwhile, so even a crash here loses nothing.
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

  /** Publishes until acknowledged, or until {@code giveUp} says the result is no longer ours to send. */
  Future<Void> publish(RunResult result, BooleanSupplier giveUp) {
    Promise<Void> done = Promise.promise();
    attempt(result, giveUp, done, 250);
    return done.future();
  }

  private void attempt(RunResult result, BooleanSupplier giveUp, Promise<Void> done, long backoffMs) {
    if (giveUp.getAsBoolean()) {
      done.tryFail("abandoned");
      return;
    }
    var record = KafkaProducerRecord.create(topics.results(), result.runId(), result.toJson().encode());
    var state = KafkaProducerRecord.create(topics.runState(), result.runId(),
        RunState.finished(result, Instant.now()).toJson().encode());
    Future.all(producer.send(record), producer.send(state)).onComplete(sent -> {
      if (sent.succeeded()) {
        done.tryComplete();
        return;
      }
      LOG.warn("run {}: publishing the outcome failed, retrying in {} ms: {}",
          result.runId(), backoffMs, sent.cause().toString());
      vertx.setTimer(backoffMs, t -> attempt(result, giveUp, done, Math.min(MAX_BACKOFF_MS, backoffMs * 2)));
    });
  }
}
