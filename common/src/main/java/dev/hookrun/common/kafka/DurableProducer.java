package dev.hookrun.common.kafka;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a record until Kafka acknowledges it, or until Kafka says it never will: the one "durable
 * send" of the platform (the worker's outcomes, the dispatcher's retry-tier records, dead letters
 * and delivery states).
 *
 * <p>Such a record exists only in our memory until then, and the record it came from is not
 * committed meanwhile, so retrying a transient failure (rather than dropping the record) loses
 * nothing even if we crash. A failure Kafka calls permanent (too large, invalid, not authorized)
 * fails the future at once with Kafka's exception: retrying it would hold the record, and the
 * partition behind it, forever. The caller decides what to write instead.
 *
 * <p>How one attempt is made is the caller's: {@link #direct} calls a plain Kafka producer on the
 * caller's context ({@code send} only appends to the producer's buffer when the producer is
 * configured never to block for long, see {@code KafkaClientProperties.eventLoopProducer}), a
 * Vert.x producer is wrapped by a function. Outcomes are always handled on {@code context}.
 */
public final class DurableProducer {

  private static final Logger LOG = LoggerFactory.getLogger(DurableProducer.class);
  private static final long FIRST_BACKOFF_MS = 250;
  private static final long MAX_BACKOFF_MS = 10_000;

  /**
   * The sender is stopping (or the caller gave up): the record stays unsent, its source
   * uncommitted.
   */
  public static final class Stopping extends RuntimeException {
    Stopping() {
      super("stopping: record not sent", null, false, false);
    }
  }

  private final Context context;
  private final Function<ProducerRecord<String, String>, Future<?>> sendOnce;
  private volatile boolean closed;
  private volatile BiConsumer<ProducerRecord<String, String>, Throwable> onRetry = (r, e) -> {};

  /**
   * @param sendOnce one attempt; may throw or fail its future with Kafka's exception
   */
  public DurableProducer(
      Context context, Function<ProducerRecord<String, String>, Future<?>> sendOnce) {
    this.context = context;
    this.sendOnce = sendOnce;
  }

  /**
   * Over a plain Kafka producer: acks come back on its I/O thread and are handed to {@code
   * context}.
   */
  public static DurableProducer direct(Context context, Producer<String, String> producer) {
    return new DurableProducer(
        context,
        record -> {
          Promise<Void> acked = Promise.promise();
          producer.send(
              record,
              (metadata, error) -> {
                if (error == null) {
                  acked.tryComplete();
                } else {
                  acked.tryFail(error);
                }
              });
          return acked.future();
        });
  }

  /** Tells {@code listener} of every failed send that will be tried again, e.g. to count it. */
  public DurableProducer onRetry(BiConsumer<ProducerRecord<String, String>, Throwable> listener) {
    this.onRetry = listener;
    return this;
  }

  public Future<Void> send(ProducerRecord<String, String> record) {
    return send(record, () -> false);
  }

  /**
   * Sends until acknowledged, or until {@code giveUp} says the record is no longer ours to send
   * ({@link Stopping}).
   */
  public Future<Void> send(ProducerRecord<String, String> record, BooleanSupplier giveUp) {
    Promise<Void> done = Promise.promise();
    attempt(record, giveUp, done, FIRST_BACKOFF_MS);
    return done.future();
  }

  /** Stops retrying: pending sends fail with {@link Stopping}. */
  public void close() {
    closed = true;
  }

  /** Kafka will refuse this record every time: retrying cannot help. */
  public static boolean permanent(Throwable error) {
    return error instanceof KafkaException
        && !(error instanceof RetriableException)
        && !(error instanceof InterruptException);
  }

  private void attempt(
      ProducerRecord<String, String> record,
      BooleanSupplier giveUp,
      Promise<Void> done,
      long backoffMs) {
    if (closed || giveUp.getAsBoolean()) {
      done.tryFail(new Stopping());
      return;
    }
    Future<?> sent;
    try {
      sent = sendOnce.apply(record);
    } catch (RuntimeException e) {
      // send() throws only for a closed producer or a bad record, never for a slow broker
      sent = Future.failedFuture(e);
    }
    sent.onComplete(
        result ->
            context.runOnContext(
                v -> {
                  if (result.succeeded()) {
                    done.tryComplete();
                  } else {
                    failed(record, giveUp, done, backoffMs, result.cause());
                  }
                }));
  }

  private void failed(
      ProducerRecord<String, String> record,
      BooleanSupplier giveUp,
      Promise<Void> done,
      long backoffMs,
      Throwable error) {
    if (closed || giveUp.getAsBoolean()) {
      done.tryFail(new Stopping());
    } else if (permanent(error)) {
      LOG.warn(
          "run {}: {} refused the record for good: {}",
          record.key(),
          record.topic(),
          error.toString());
      done.tryFail(error);
    } else {
      onRetry.accept(record, error);
      LOG.warn(
          "run {}: writing to {} failed, retrying in {} ms: {}",
          record.key(),
          record.topic(),
          backoffMs,
          error.toString());
      context
          .owner()
          .setTimer(
              backoffMs,
              t -> attempt(record, giveUp, done, Math.min(MAX_BACKOFF_MS, backoffMs * 2)));
    }
  }
}
