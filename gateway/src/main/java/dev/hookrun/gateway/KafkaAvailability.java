package dev.hookrun.gateway;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Fails fast while Kafka is known to be away. Without it every request during an outage waits
 * the full send timeout and the producer's queue fills; with it, the gateway answers 503 at once
 * and lets one probe request through per interval to notice the broker's return.
 */
final class KafkaAvailability {

  /** The failure handed to callers while Kafka is unavailable. */
  static final class Unavailable extends RuntimeException {
    Unavailable() {
      super("Kafka is unavailable", null, false, false);
    }
  }

  private final long probeIntervalNanos;
  private final LongSupplier clock;
  private final AtomicBoolean down = new AtomicBoolean();
  private final AtomicLong lastProbe = new AtomicLong();

  KafkaAvailability(long probeIntervalMillis, LongSupplier nanoClock) {
    this.probeIntervalNanos = probeIntervalMillis * 1_000_000;
    this.clock = nanoClock;
  }

  /** Whether a request may try to publish now. */
  boolean admit() {
    if (!down.get()) {
      return true;
    }
    long now = clock.getAsLong();
    long last = lastProbe.get();
    return now - last >= probeIntervalNanos && lastProbe.compareAndSet(last, now);
  }

  void succeeded() {
    down.set(false);
  }

  void failed(Throwable error) {
    // Only a timeout says the cluster is away; a rejected record says nothing about the others.
    if (error instanceof TimeoutException || error.getCause() instanceof TimeoutException) {
      lastProbe.set(clock.getAsLong());
      down.set(true);
    }
  }

  boolean isDown() {
    return down.get();
  }
}
