package dev.hookrun.gateway;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *
 * <p>A failed future always holds a {@link SendFailure} saying whether the record can have been
 * written: a send that failed inside {@code producer.send} itself (no metadata, too large) never
 * left this process, while one the producer had taken and then timed out may still be on the
 * broker, so the client must not be told that nothing was accepted.
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
      return Future.failedFuture(SendFailure.notSent(new KafkaAvailability.Unavailable()));
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
      Thread caller = Thread.currentThread();
      AtomicBoolean returned = new AtomicBoolean();
      producer.send(record, (metadata, error) -> {
        // The producer calls back on the calling thread, before send() returns, only for a
        // record it did not take (no metadata within max.block.ms, over max.request.size);
        // a record it took completes later on its network thread.
        boolean taken = returned.get() || Thread.currentThread() != caller;
        context.runOnContext(v -> {
          if (error == null) {
            acked.tryComplete();
          } else {
            availability.failed(error);
            acked.tryFail(taken ? SendFailure.afterHandOff(error) : SendFailure.notSent(error));
          }
        });
      });
      returned.set(true);
      return null;
    }, false).onFailure(error -> {
      availability.failed(error);
      acked.tryFail(SendFailure.notSent(error)); // refused in the queue, or send() threw
    });
    return acked.future().onSuccess(v -> availability.succeeded());
  }
}
