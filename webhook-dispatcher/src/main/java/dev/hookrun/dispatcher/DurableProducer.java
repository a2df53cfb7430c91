package dev.hookrun.dispatcher;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a record until Kafka acknowledges it, or until Kafka says it never will.
 *
 * <p>A delivery moving to a retry tier or the dead letters exists only in our memory until
 * then, and the record it came from is not committed meanwhile, so retrying a transient failure
 * (rather than dropping the record) loses nothing even if we crash. A failure Kafka calls
 * non-retriable (too large, invalid, not authorized) fails the future at once with Kafka's
 * exception: retrying it would hold the delivery, and the partition behind it, forever.
 *
 * <p>It calls the Kafka producer directly on the dispatcher's context: {@code send} only
 * appends to the producer's buffer (the producer is configured never to block for long, see
 * {@code KafkaClientProperties.eventLoopProducer}), so a delivered state leaves within a
 * millisecond or two of its 2xx instead of queueing behind a worker context. Acks come back on
 * the producer's I/O thread and are handed to the context.
 */
final class DurableProducer {

  private static final Logger LOG = LoggerFactory.getLogger(DurableProducer.class);
  private static final long FIRST_BACKOFF_MS = 250;
  private static final long MAX_BACKOFF_MS = 10_000;

  /** The dispatcher is stopping: the record stays unsent and its source record uncommitted. */
  static final class Stopping extends RuntimeException {
    Stopping() {
      super("dispatcher stopping", null, false, false);
    }
  }

  private final Context context;
  private final Producer<String, String> producer;
  private volatile boolean closed;

  DurableProducer(Context context, Producer<String, String> producer) {
    this.context = context;
    this.producer = producer;
  }

  Future<Void> send(ProducerRecord<String, String> record) {
    Promise<Void> done = Promise.promise();
    attempt(record, done, FIRST_BACKOFF_MS);
    return done.future();
  }

  /** Stops retrying: pending sends fail with {@link Stopping}. */
  void close() {
    closed = true;
  }

  /** Whether Kafka may accept the record if asked again later. */
  static boolean retriable(Throwable error) {
    return error instanceof RetriableException || error instanceof java.util.concurrent.TimeoutException;
  }

  private void attempt(ProducerRecord<String, String> record, Promise<Void> done, long backoffMs) {
    if (closed) {
      done.tryFail(new Stopping());
      return;
    }
    try {
      producer.send(record, (metadata, error) -> context.runOnContext(v -> {
        if (error == null) {
          done.tryComplete();
        } else {
          failed(record, done, backoffMs, error);
        }
      }));
    } catch (RuntimeException e) {
      // send() throws only for a closed producer or a bad record, never for a slow broker
      failed(record, done, backoffMs, e);
    }
  }

  private void failed(ProducerRecord<String, String> record, Promise<Void> done, long backoffMs, Throwable error) {
    if (closed) {
      done.tryFail(new Stopping());
    } else if (retriable(error)) {
      LOG.warn("run {}: writing to {} failed, retrying in {} ms: {}", record.key(), record.topic(), backoffMs, error.toString());
      context.owner().setTimer(backoffMs, t -> attempt(record, done, Math.min(MAX_BACKOFF_MS, backoffMs * 2)));
    } else {
      LOG.warn("run {}: {} refused the record for good: {}", record.key(), record.topic(), error.toString());
      done.tryFail(error);
    }
  }
}
