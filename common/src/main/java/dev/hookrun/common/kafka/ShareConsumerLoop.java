package dev.hookrun.common.kafka;

import dev.hookrun.common.metrics.Meters;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A share-group member on a thread of its own, handing the records it acquires to a Vert.x context
 * and acknowledging each one when the stage says so ({@link #settle}).
 *
 * <p>Not a {@link PollThread} user: that thread drives a {@code KafkaConsumer} (partitions,
 * positions, seeks, rebalance callbacks), none of which a share consumer has. What a share consumer
 * demands instead shapes this loop: in explicit mode every record a poll returned must be
 * acknowledged before the next poll, and a poll may acquire records whatever the stage can take. So
 * the loop polls only when the stage asked for work ({@link #demand}) <em>and</em> every record of
 * the previous poll is settled. A record therefore stays with this member only from its acquisition
 * until the stage settles it, which a worker does as soon as the run has started
 * (docs/decisions.md: the share lock is not held for a whole run).
 *
 * <p>Acknowledgements ride on the next poll's share fetch when one follows at once (the last record
 * of a poll settled and the stage still wants work): one broker request per cycle instead of a
 * separate {@code ShareAcknowledge} before every fetch. Otherwise (records still unsettled, or no
 * demand) they are sent on their own ({@code commitAsync}, which acquires nothing) once the oldest
 * has waited {@link #ACK_LINGER_MS}, or at once while the stage wants no work, so a release reaches
 * the group without delay and a batch's acceptances go out together.
 *
 * <p>Failures are logged, counted and retried with the same doubling back-off as every other
 * reader; records acquired before a failure stay unsettled and come back to the group when their
 * lock runs out.
 */
public final class ShareConsumerLoop {

  private static final Logger LOG = LoggerFactory.getLogger(ShareConsumerLoop.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long IDLE_WAIT_MS = 100;

  /** How long acknowledgements may wait for a poll to carry them before they go on their own. */
  static final long ACK_LINGER_MS = 20;

  private final Context context;
  private final Map<String, Object> config;
  private final String topic;
  private final Consumer<List<ConsumerRecord<String, String>>> handler;
  private final String name;
  private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private final Promise<Void> stopped = Promise.promise();
  private volatile boolean demand;
  private volatile boolean joined;
  private volatile KafkaShareConsumer<String, String> consumer;

  /** Records of the last poll not settled yet (by identity); the poll thread's alone. */
  private final java.util.Set<ConsumerRecord<String, String>> unsettled =
      java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

  /** When the oldest acknowledgement not yet sent was made (nanoTime), or -1 when none waits. */
  private long unsentSince = -1;

  public ShareConsumerLoop(
      Context context,
      Map<String, String> config,
      String topic,
      Consumer<List<ConsumerRecord<String, String>>> handler,
      String name) {
    this.context = context;
    this.config = KafkaClientProperties.asObjects(config);
    this.topic = topic;
    this.handler = handler;
    this.name = name;
  }

  /** Starts the member; completes once its consumer is created and subscribed. */
  public Future<Void> start() {
    Promise<Void> ready = Promise.promise();
    running.set(true);
    Thread thread = new Thread(() -> run(ready), "share-" + name);
    thread.setDaemon(true);
    thread.start();
    return ready.future();
  }

  /** Whether the stage wants more records now (it has room for a full poll). Any thread. */
  public void demand(boolean wanted) {
    demand = wanted;
  }

  /** Whether a poll has answered since the start: the member is in its group. */
  public boolean hasJoined() {
    return joined;
  }

  /**
   * Acknowledges a record this member handed out: {@code ACCEPT} once it is done with it, {@code
   * RELEASE} to let another member have it. Any thread; applied on the poll thread.
   */
  public void settle(ConsumerRecord<String, String> record, AcknowledgeType type) {
    tasks.add(
        () -> {
          if (!unsettled.remove(record)) {
            // acquired before a failure: no longer this member's to settle, its lock decides
            LOG.debug("{}: not settling {}@{}", name, record.partition(), record.offset());
            return;
          }
          consumer.acknowledge(record, type);
          if (unsentSince < 0) {
            unsentSince = System.nanoTime();
          }
        });
  }

  /** Settles nothing more, closes the member; its unsettled records go back to the group. */
  public Future<Void> stop() {
    if (running.compareAndSet(true, false)) {
      KafkaShareConsumer<String, String> c = consumer;
      if (c != null) {
        c.wakeup();
      }
    } else {
      stopped.tryComplete();
    }
    return stopped.future();
  }

  private void run(Promise<Void> ready) {
    try {
      consumer = new KafkaShareConsumer<>(config);
      consumer.subscribe(List.of(topic));
    } catch (RuntimeException e) {
      LOG.error("{}: cannot create its share consumer", name, e);
      running.set(false);
      context.runOnContext(v -> ready.tryFail(e));
      stopped.tryComplete();
      return;
    }
    context.runOnContext(v -> ready.tryComplete());
    long backoffMs = 0;
    try {
      while (running.get()) {
        try {
          applySettlements();
          if (unsettled.isEmpty() && demand) {
            // the acknowledgements made so far go with this poll's share fetch
            ConsumerRecords<String, String> records = consumer.poll(POLL);
            unsentSince = -1;
            joined = true;
            if (!records.isEmpty()) {
              List<ConsumerRecord<String, String>> batch = new java.util.ArrayList<>();
              records.forEach(batch::add);
              unsettled.addAll(batch);
              context.runOnContext(v -> handler.accept(batch));
            }
          } else {
            long wait = IDLE_WAIT_MS;
            if (unsentSince >= 0) {
              long waitedMs = (System.nanoTime() - unsentSince) / 1_000_000;
              if (!demand || waitedMs >= ACK_LINGER_MS) {
                sendAcknowledgements();
                continue;
              }
              wait = ACK_LINGER_MS - waitedMs;
            }
            Runnable task = tasks.poll(wait, TimeUnit.MILLISECONDS);
            if (task != null) {
              task.run();
            }
          }
          backoffMs = 0;
        } catch (WakeupException e) {
          // stop(): the loop condition decides
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          running.set(false);
        } catch (RuntimeException e) {
          backoffMs = PollThread.nextBackoff(backoffMs);
          Meters.recordSettled(name, "read_error");
          LOG.warn("{}: reading failed, retrying in {} ms: {}", name, backoffMs, e.toString());
          // the last poll's records are lost to this member: their locks hand them on
          unsettled.clear();
          unsentSince = -1;
          sleep(backoffMs);
        }
      }
    } finally {
      try {
        applySettlements();
        sendAcknowledgements();
        consumer.close(Duration.ofSeconds(10));
      } catch (RuntimeException e) {
        LOG.warn("{}: close failed: {}", name, e.toString());
      }
      stopped.tryComplete();
    }
  }

  /** Applies the settlements queued so far (acknowledged in the consumer, not sent yet). */
  private void applySettlements() {
    Runnable task;
    while ((task = tasks.poll()) != null) {
      task.run();
    }
  }

  /** Sends the acknowledgements made so far on their own, without fetching. */
  private void sendAcknowledgements() {
    if (unsentSince >= 0) {
      unsentSince = -1;
      consumer.commitAsync();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
