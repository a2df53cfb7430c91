package dev.hookrun.common.kafka;

import dev.hookrun.common.metrics.Meters;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of some topics and keeps following them, outside any consumer group:
 * each gateway needs every run's records, each worker every cancel command. It starts at the
 * beginning, or with a look-back at the first record not older than it (the gateway needs only
 * the runs within the run retention, not a week of requests). Records go to a Vert.x context in
 * batches, like {@link ConsumerLoop}; one consumer serves all the topics, so one fetch brings
 * whatever changed in any of them.
 *
 * <p>A reader may decode the records on the poll thread ({@link #decoding}): the context then
 * only applies what was decoded, so a gateway's predict event loop never parses JSON it did not
 * receive.
 *
 * <p>{@link #start()} completes once the reader has caught up with the end offsets it saw at
 * start, so a restarted gateway answers for old runs only after its view is rebuilt.
 *
 * @param <T> what the context is handed: the records themselves, or what was decoded from them
 */
public final class TopicFollower<T> {

  private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);
  private static final Duration POLL = Duration.ofMillis(100);

  private final Context context;
  private final Map<String, Object> config;
  private final List<String> topics;
  private final String name;
  private Duration lookBack;
  private Deserializer<String> valueDeserializer = new StringDeserializer();
  private final Function<ConsumerRecord<String, String>, T> decoder;
  private final Consumer<List<T>> handler;
  private final AtomicBoolean running = new AtomicBoolean();
  private final Promise<Void> stopped = Promise.promise();
  private volatile KafkaConsumer<String, String> consumer;

  private TopicFollower(Context context, Map<String, String> readerConfig, List<String> topics,
      Function<ConsumerRecord<String, String>, T> decoder, Consumer<List<T>> handler) {
    this.context = context;
    this.config = KafkaClientProperties.asObjects(readerConfig);
    this.topics = List.copyOf(topics);
    this.name = "follow-" + String.join(",", topics);
    this.decoder = decoder;
    this.handler = handler;
  }

  /** Hands the records of {@code topic} to {@code handler} on {@code context}. */
  public static TopicFollower<ConsumerRecord<String, String>> records(Context context, Map<String, String> readerConfig,
      String topic, Consumer<List<ConsumerRecord<String, String>>> handler) {
    return new TopicFollower<>(context, readerConfig, List.of(topic), r -> r, handler);
  }

  /**
   * Decodes each record of {@code topics} on the poll thread and hands what was decoded to
   * {@code handler} on {@code context}. A decoder returns {@code null} for a record with nothing
   * to apply; one that throws has its record logged, counted and skipped.
   */
  public static <T> TopicFollower<T> decoding(Context context, Map<String, String> readerConfig, List<String> topics,
      Function<ConsumerRecord<String, String>, T> decoder, Consumer<List<T>> handler) {
    return new TopicFollower<>(context, readerConfig, topics, decoder, handler);
  }

  /** Starts at the first record not older than {@code lookBack} instead of at the beginning. */
  public TopicFollower<T> lookBack(Duration lookBack) {
    this.lookBack = lookBack;
    return this;
  }

  /** Decodes values with {@code deserializer} (which may skip values a reader does not need). */
  public TopicFollower<T> values(Deserializer<String> deserializer) {
    this.valueDeserializer = deserializer;
    return this;
  }

  /** Starts following; completes once the records present at start are handed over. */
  public Future<Void> start() {
    Promise<Void> caughtUp = Promise.promise();
    running.set(true);
    Thread thread = new Thread(() -> run(caughtUp), name);
    thread.setDaemon(true);
    thread.start();
    return caughtUp.future();
  }

  public Future<Void> stop() {
    if (running.compareAndSet(true, false)) {
      KafkaConsumer<String, String> c = consumer;
      if (c != null) {
        c.wakeup();
      }
    }
    return stopped.future();
  }

  private void run(Promise<Void> caughtUp) {
    Map<TopicPartition, Long> target;
    try {
      consumer = new KafkaConsumer<>(config, new StringDeserializer(), valueDeserializer);
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        partitions.addAll(partitionsOf(topic));
      }
      consumer.assign(partitions);
      seekToStart(partitions);
      target = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
    } catch (RuntimeException e) {
      running.set(false);
      caughtUp.tryFail(e);
      closeQuietly();
      stopped.tryComplete();
      return;
    }
    try {
      while (running.get()) {
        try {
          ConsumerRecords<String, String> records = consumer.poll(POLL);
          if (!records.isEmpty()) {
            List<T> decoded = decode(records);
            if (!decoded.isEmpty()) {
              BatchHandOff.deliver(context, decoded, handler, this::applyFailed, name);
            }
          }
          if (target != null && caughtUp(target)) {
            target = null;
            context.runOnContext(v -> caughtUp.tryComplete());
          }
        } catch (WakeupException e) {
          // stop() woke us
        } catch (RuntimeException e) {
          LOG.warn("{} failed, retrying: {}", name, e.toString());
          sleepQuietly();
        }
      }
    } finally {
      caughtUp.tryFail("stopped before catching up");
      closeQuietly();
      stopped.tryComplete();
    }
  }

  private List<TopicPartition> partitionsOf(String topic) {
    List<TopicPartition> partitions = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (partitions.isEmpty()) {
      // a topic created a moment ago (by this or another stage) may not be in the metadata yet
      consumer.partitionsFor(topic, Duration.ofSeconds(10))
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      if (partitions.isEmpty()) {
        if (!running.get() || System.nanoTime() > deadline) {
          throw new IllegalStateException("topic " + topic + " has no partitions in the metadata");
        }
        sleepQuietly();
      }
    }
    return partitions;
  }

  private void seekToStart(List<TopicPartition> partitions) {
    if (lookBack == null) {
      consumer.seekToBeginning(partitions);
      return;
    }
    long since = System.currentTimeMillis() - lookBack.toMillis();
    Map<TopicPartition, Long> query = new HashMap<>();
    partitions.forEach(p -> query.put(p, since));
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
    List<TopicPartition> nothingNewer = new ArrayList<>();
    for (TopicPartition partition : partitions) {
      OffsetAndTimestamp at = found.get(partition);
      if (at == null) {
        nothingNewer.add(partition);
      } else {
        consumer.seek(partition, at.offset());
      }
    }
    consumer.seekToEnd(nothingNewer);
  }

  private List<T> decode(ConsumerRecords<String, String> records) {
    List<T> decoded = new ArrayList<>(records.count());
    for (ConsumerRecord<String, String> record : records) {
      try {
        T item = decoder.apply(record);
        if (item != null) {
          decoded.add(item);
        }
      } catch (RuntimeException e) {
        // A reader has no offsets to settle: the record is logged, counted and left behind.
        LOG.warn("{}: skipping the unreadable record at {}-{}@{}: {}", name, record.topic(), record.partition(),
            record.offset(), e.toString());
        Meters.recordSettled(name, "unreadable");
      }
    }
    return decoded;
  }

  private void applyFailed(T item, RuntimeException error) {
    LOG.error("{}: handling {} failed; skipping it", name, item, error);
    Meters.recordSettled(name, "handler_error");
  }

  private boolean caughtUp(Map<TopicPartition, Long> target) {
    for (var entry : target.entrySet()) {
      if (consumer.position(entry.getKey()) < entry.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void closeQuietly() {
    try {
      if (consumer != null) {
        consumer.close(Duration.ofSeconds(5));
      }
    } catch (RuntimeException ignored) {
      // closing a reader that never connected
    }
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
