package dev.hookrun.dispatcher;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a record until Kafka acknowledges it. A delivery moving to a retry tier or the dead
 * letters exists only in our memory until then, and the record it came from is not committed
 * meanwhile, so retrying (rather than dropping) loses nothing even if we crash.
 */
final class DurableProducer {

  private static final Logger LOG = LoggerFactory.getLogger(DurableProducer.class);
  private static final long MAX_BACKOFF_MS = 10_000;

  private final Vertx vertx;
  private final KafkaProducer<String, String> producer;
  private volatile boolean closed;

  DurableProducer(Vertx vertx, KafkaProducer<String, String> producer) {
    this.vertx = vertx;
    this.producer = producer;
  }

  Future<Void> send(KafkaProducerRecord<String, String> record) {
    Promise<Void> done = Promise.promise();
    attempt(record, done, 250);
    return done.future();
  }

  /** Stops retrying: pending sends fail and their source records stay uncommitted. */
  void close() {
    closed = true;
  }

  private void attempt(KafkaProducerRecord<String, String> record, Promise<Void> done, long backoffMs) {
    if (closed) {
      done.tryFail("dispatcher stopping");
      return;
    }
    producer.send(record).onComplete(sent -> {
      if (sent.succeeded()) {
        done.tryComplete();
        return;
      }
      LOG.warn("run {}: writing to {} failed, retrying in {} ms: {}",
          record.key(), record.topic(), backoffMs, sent.cause().toString());
      vertx.setTimer(backoffMs, t -> attempt(record, done, Math.min(MAX_BACKOFF_MS, backoffMs * 2)));
    });
  }
}
