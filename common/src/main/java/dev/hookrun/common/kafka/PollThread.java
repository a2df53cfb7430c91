package dev.hookrun.common.kafka;

import dev.hookrun.common.metrics.Meters;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way hookrun follows a topic: a {@code KafkaConsumer} on a thread of its own, and the one
 * error policy every reader shares. {@link ConsumerLoop} (a group member) and {@link TopicFollower}
 * (every partition, no group) are its two users; they say how to open the consumer and what to do
 * with a poll's records, and keep nothing else of a thread's life.
 *
 * <p>Why one policy: each reader used to have its own, and they differed on what mattered (one
 * ended its thread on the first bad record and left its stage with a stale view, another retried at
 * a fixed pace forever without a count). A reader that stops reading is worse than one that skips:
 * a stage looks alive while its view goes stale. So:
 *
 * <ul>
 *   <li>a record the consumer cannot deserialize is skipped (the consumer seeks past it), logged
 *       and counted ({@code undecodable}); the partition goes on;
 *   <li>any other failure, opening included (a broker away, a topic not created yet, a coordinator
 *       moving), is logged, counted ({@code read_error}) and retried from where it was, after a
 *       back-off that doubles from 200 ms to 10 s and starts again after a successful poll. Nothing
 *       is ruled permanent here: an authorization error passes when the operator fixes the ACL, and
 *       a reader that gave up would need a restart to notice;
 *   <li>only a consumer that cannot even be created (bad configuration) fails {@link #start}.
 * </ul>
 *
 * Records a user skips for its own reasons go through {@link #skip} so they are counted alike.
 *
 * <p>{@link #start} completes on the owner's context once the consumer is open, or, for a reader
 * that asks for it, once it has caught up with the end offsets it saw when it opened (a restarted
 * gateway answers for old runs only after its view is rebuilt).
 */
final class PollThread {

  /** What a user does on the poll thread; every method runs there, with the only consumer. */
  interface Reader {
    /** Subscribes or assigns and seeks. Throws while it cannot yet: retried with back-off. */
    void open(KafkaConsumer<String, String> consumer);

    /** Before each poll: what must reach the consumer first (pauses, seeks, commits). */
    default void beforePoll(KafkaConsumer<String, String> consumer) {}

    /** The records of one poll, never empty. */
    void polled(ConsumerRecords<String, String> records);

    /** After each poll, whether or not it brought records. */
    default void afterPoll(KafkaConsumer<String, String> consumer) {}

    /**
     * How long to rest after a poll that brought {@code count} records, once caught up; 0 polls
     * again at once. The fetch the consumer sent meanwhile waits for the rest to end.
     */
    default long restAfterMs(int count) {
      return 0;
    }

    /** Just before the consumer closes. */
    default void closing(KafkaConsumer<String, String> consumer) {}
  }

  private static final Logger LOG = LoggerFactory.getLogger(PollThread.class);
  private static final Duration POLL = Duration.ofMillis(100);
  static final long FIRST_BACKOFF_MS = 200;
  static final long MAX_BACKOFF_MS = 10_000;

  private final Context context;
  private final String name;
  private final String meterName;
  private final Supplier<KafkaConsumer<String, String>> factory;
  private final Reader reader;
  private final boolean catchUp;
  private final Duration closeTimeout;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean started;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final Promise<Void> stopped = Promise.promise();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile KafkaConsumer<String, String> consumer;

  /**
   * @param name the thread's name, and the reader's in the log
   * @param meterName the {@code consumer} tag of what is counted (a group, or a reader's name)
   * @param catchUp whether {@link #start} waits until the records present at opening are read
   */
  PollThread(
      Context context,
      String name,
      String meterName,
      Supplier<KafkaConsumer<String, String>> factory,
      Reader reader,
      boolean catchUp,
      Duration closeTimeout) {
    this.context = context;
    this.name = name;
    this.meterName = meterName;
    this.factory = factory;
    this.reader = reader;
    this.catchUp = catchUp;
    this.closeTimeout = closeTimeout;
  }

  Future<Void> start() {
    Promise<Void> ready = Promise.promise();
    started = true;
    running.set(true);
    Thread thread = new Thread(() -> run(ready), name);
    thread.setDaemon(true);
    thread.start();
    return ready.future();
  }

  /** Ends the loop (waking a poll or a back-off) and closes the consumer; completes when closed. */
  Future<Void> stop() {
    if (running.compareAndSet(true, false)) {
      stopping.countDown();
      KafkaConsumer<String, String> c = consumer;
      if (c != null) {
        c.wakeup();
      }
    } else if (!started) {
      stopped.tryComplete();
    }
    return stopped.future();
  }

  boolean isRunning() {
    return running.get();
  }

  String name() {
    return name;
  }

  String meterName() {
    return meterName;
  }

  /** Records skipped so far: undecodable, or skipped by the user ({@link #skip}). */
  long skipped() {
    return skipped.get();
  }

  /** Failures met and retried so far. */
  long failures() {
    return failures.get();
  }

  /**
   * A record the user leaves behind for its own reason: logged and counted like the thread's own.
   */
  void skip(String where, String reason, Throwable error) {
    skipped.incrementAndGet();
    Meters.recordSettled(meterName, reason);
    LOG.warn("{}: skipping the record at {} ({}): {}", name, where, reason, error.toString());
  }

  /** The back-off after a failure that followed one of {@code previousMs}. */
  static long nextBackoff(long previousMs) {
    return Math.min(MAX_BACKOFF_MS, Math.max(FIRST_BACKOFF_MS, previousMs * 2));
  }

  private void run(Promise<Void> ready) {
    try {
      consumer = factory.get();
    } catch (RuntimeException e) {
      LOG.error("{}: cannot create its consumer", name, e);
      running.set(false);
      context.runOnContext(v -> ready.tryFail(e));
      stopped.tryComplete();
      return;
    }
    boolean opened = false;
    boolean catchingUp = catchUp;
    Map<TopicPartition, Long> target = null;
    long backoffMs = 0;
    try {
      while (running.get()) {
        try {
          if (!opened) {
            reader.open(consumer);
            opened = true;
            if (!catchUp) {
              context.runOnContext(v -> ready.tryComplete());
            }
          }
          if (catchingUp && target == null) {
            target =
                new HashMap<>(consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(30)));
          }
          reader.beforePoll(consumer);
          ConsumerRecords<String, String> records = consumer.poll(POLL);
          if (!records.isEmpty()) {
            reader.polled(records);
          }
          reader.afterPoll(consumer);
          if (target != null && caughtUp(target)) {
            target = null;
            catchingUp = false;
            context.runOnContext(v -> ready.tryComplete());
          }
          backoffMs = 0;
          if (!catchingUp) {
            long rest = reader.restAfterMs(records.count());
            if (rest > 0) {
              pause(rest);
            }
          }
        } catch (WakeupException e) {
          // stop(), or a user waking the poll: the loop condition decides
        } catch (RecordDeserializationException e) {
          skip(e.topicPartition() + "@" + e.offset(), "undecodable", e);
          consumer.seek(e.topicPartition(), e.offset() + 1);
        } catch (RuntimeException e) {
          backoffMs = nextBackoff(backoffMs);
          failures.incrementAndGet();
          Meters.recordSettled(meterName, "read_error");
          LOG.warn(
              "{}: {} failed, retrying in {} ms: {}",
              name,
              opened ? "reading" : "opening",
              backoffMs,
              e.toString());
          pause(backoffMs);
        }
      }
    } finally {
      try {
        reader.closing(consumer);
      } catch (RuntimeException e) {
        LOG.warn("{}: before closing: {}", name, e.toString());
      }
      try {
        consumer.close(closeTimeout);
      } catch (RuntimeException e) {
        LOG.warn("{}: close failed: {}", name, e.toString());
      }
      context.runOnContext(v -> ready.tryFail("stopped before it was ready"));
      stopped.tryComplete();
    }
  }

  private boolean caughtUp(Map<TopicPartition, Long> target) {
    for (var entry : target.entrySet()) {
      if (consumer.position(entry.getKey()) < entry.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Sleeps, but not past a stop. */
  private void pause(long ms) {
    try {
      stopping.await(ms, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
