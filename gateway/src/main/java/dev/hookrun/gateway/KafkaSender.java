package dev.hookrun.gateway;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends the records a client waits on (requests, cancels). A future that succeeds means the
 * broker has the record on every in-sync replica (acks=all): only then may the gateway answer.
 *
 * <p>A Kafka producer's {@code send} blocks, up to {@code max.block.ms}, while it has no metadata
 * for the topic, as after the broker went away (the client re-bootstraps and forgets the topic).
 * The Vert.x producer runs every send on one ordered worker context, so one blocked send holds
 * up every request queued behind it and answers pile up far past the send timeout. Here sends
 * run unordered on a small pool of their own, and a send that waited in that queue longer than
 * the metadata wait, or whose turn comes after the gate closed, is refused without being sent:
 * its 503 is then true ("nothing was accepted") and arrives within about the send timeout.
 */
final class KafkaSender {

  private final Producer<String, String> producer;
  private final WorkerExecutor sends;
  private final KafkaAvailability availability;
  private final long queueBudgetNanos;

  KafkaSender(Producer<String, String> producer, WorkerExecutor sends, KafkaAvailability availability,
      Duration queueBudget) {
    this.producer = producer;
    this.sends = sends;
    this.availability = availability;
    this.queueBudgetNanos = queueBudget.toNanos();
  }

  Future<Void> send(String topic, String key, String value) {
    return send(new ProducerRecord<>(topic, key, value));
  }

  Future<Void> send(ProducerRecord<String, String> record) {
    if (!availability.admit()) {
      return Future.failedFuture(new KafkaAvailability.Unavailable());
    }
    // admitted while the gate is closed: this request is the probe that may find Kafka back
    boolean probe = availability.isDown();
    long queuedAt = System.nanoTime();
    Context context = Vertx.currentContext();
    Promise<Void> acked = Promise.promise();
    sends.executeBlocking(() -> {
      if (System.nanoTime() - queuedAt > queueBudgetNanos || (!probe && availability.isDown())) {
        throw new KafkaAvailability.Unavailable();
      }
      producer.send(record, (metadata, error) -> context.runOnContext(v -> {
        if (error == null) {
          acked.tryComplete();
        } else {
          acked.tryFail(error);
        }
      }));
      return null;
    }, false).onFailure(acked::tryFail);
    return acked.future()
        .onSuccess(v -> availability.succeeded())
        .onFailure(availability::failed);
  }
}
