package dev.hookrun.gateway;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Fails fast while Kafka is known to be away. Without it every request during an outage waits the
 * full send timeout and the producer's queue fills; with it, the gateway answers 503 at once and
 * lets one probe request through per interval to notice the broker's return.
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
  private final AtomicLong lastSuccess = new AtomicLong(Long.MIN_VALUE);

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
    lastSuccess.set(clock.getAsLong());
    down.set(false);
  }

  /** A send that started now failed (a test's shorthand). */
  void failed(Throwable error) {
    failed(error, clock.getAsLong());
  }

  /**
   * A send that started at {@code sentAtNanos} failed. Only a timeout says Kafka may be away, and
   * only when nothing sent after it was acknowledged meanwhile: one broker of three dying times out
   * the sends to the partitions it led while the others keep acknowledging, and closing the gate
   * then would refuse every predict for a fault that costs a third of the partitions a few seconds
   * (80 % of predicts were refused that way). A rejected record says nothing about the others. The
   * sender reports a send's delivery here, not its answer deadline: a cluster fencing a dead node
   * stalls every write for longer than a client waits, and gets them all through afterwards.
   */
  void failed(Throwable error, long sentAtNanos) {
    boolean timeout =
        error instanceof TimeoutException || error.getCause() instanceof TimeoutException;
    long last = lastSuccess.get();
    boolean ackedSince = last != Long.MIN_VALUE && last - sentAtNanos > 0;
    if (timeout && !ackedSince) {
      lastProbe.set(clock.getAsLong());
      down.set(true);
    }
  }

  boolean isDown() {
    return down.get();
  }
}
