package dev.hookrun.common.kafka;

import dev.hookrun.common.metrics.Meters;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of some topics and keeps following them, outside any consumer group: each
 * gateway needs every run's records, each worker every cancel command. It starts at the beginning,
 * or with a look-back at the first record not older than it (the gateway needs only the runs within
 * the run retention, not a week of requests). Records go to a Vert.x context in batches, like
 * {@link ConsumerLoop}; one consumer serves all the topics, so one fetch brings whatever changed in
 * any of them.
 *
 * <p>A reader may decode the records on the poll thread ({@link #decoding}): the context then only
 * applies what was decoded, so a gateway's predict event loop never parses JSON it did not receive.
 *
 * <p>{@link #start()} completes once the reader has caught up with the end offsets it saw at start,
 * so a restarted gateway answers for old runs only after its view is rebuilt. The thread, the
 * hand-off and the error policy (skip and count what cannot be read, retry anything else with
 * back-off, never end) are {@link PollThread}'s: what is left here is which partitions, from where,
 * and the decoding.
 *
 * @param <T> what the context is handed: the records themselves, or what was decoded from them
 */
public final class TopicFollower<T> {

  private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);

  private final Context context;
  private final Map<String, Object> config;
  private final List<String> topics;
  private String name;
  private String meterName;
  private Duration lookBack;
  private final java.util.Set<String> readWhole = new java.util.HashSet<>();
  private Duration pace = Duration.ZERO;
  private final int fullPoll;
  private Deserializer<String> valueDeserializer = new StringDeserializer();
  private final Function<ConsumerRecord<String, String>, T> decoder;
  private final Consumer<List<T>> handler;
  private volatile PollThread thread;

  private TopicFollower(
      Context context,
      Map<String, String> readerConfig,
      List<String> topics,
      Function<ConsumerRecord<String, String>, T> decoder,
      Consumer<List<T>> handler) {
    this.context = context;
    this.config = KafkaClientProperties.asObjects(readerConfig);
    this.topics = List.copyOf(topics);
    this.name = "follow-" + String.join(",", topics);
    this.meterName = name;
    this.decoder = decoder;
    this.handler = handler;
    Object maxPoll = config.get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG);
    // what a poll brings when more is waiting: no rest after it, the reader is behind
    this.fullPoll =
        maxPoll == null
            ? ConsumerConfig.DEFAULT_MAX_POLL_RECORDS
            : Integer.parseInt(maxPoll.toString());
  }

  /** Hands the records of {@code topic} to {@code handler} on {@code context}. */
  public static TopicFollower<ConsumerRecord<String, String>> records(
      Context context,
      Map<String, String> readerConfig,
      String topic,
      Consumer<List<ConsumerRecord<String, String>>> handler) {
    return new TopicFollower<>(context, readerConfig, List.of(topic), r -> r, handler);
  }

  /**
   * Decodes each record of {@code topics} on the poll thread and hands what was decoded to {@code
   * handler} on {@code context}. A decoder returns {@code null} for a record with nothing to apply;
   * one that throws has its record logged, counted and skipped.
   */
  public static <T> TopicFollower<T> decoding(
      Context context,
      Map<String, String> readerConfig,
      List<String> topics,
      Function<ConsumerRecord<String, String>, T> decoder,
      Consumer<List<T>> handler) {
    return new TopicFollower<>(context, readerConfig, topics, decoder, handler);
  }

  /** Starts at the first record not older than {@code lookBack} instead of at the beginning. */
  public TopicFollower<T> lookBack(Duration lookBack) {
    this.lookBack = lookBack;
    return this;
  }

  /**
   * Reads {@code topic} from its beginning whatever the {@link #lookBack}: a compacted topic of
   * newest states (worker heartbeats), whose newest record per key may be older than the look-back
   * and still matter.
   */
  public TopicFollower<T> readWhole(String topic) {
    readWhole.add(topic);
    return this;
  }

  /**
   * Reads at most every {@code interval} once caught up, unless a poll came back full: a reader
   * that can be {@code interval} behind (a status view, a ledger) then costs the broker one fetch
   * per interval, not one per produce. Why not {@code fetch.min.bytes} and {@code
   * fetch.max.wait.ms} (what this did before): a fetch waiting for bytes is re-checked on every
   * produce to any of its partitions, over all of them. The gateway view follows 48 partitions, and
   * those re-checks were a third of the broker's request handling at full load
   * (docs/PERFORMANCE.md); a paced fetch asks for one byte, so it is answered by the first produce,
   * or at once.
   */
  public TopicFollower<T> paced(Duration interval) {
    this.pace = interval;
    return this;
  }

  /** Decodes values with {@code deserializer} (which may skip values a reader does not need). */
  public TopicFollower<T> values(Deserializer<String> deserializer) {
    this.valueDeserializer = deserializer;
    return this;
  }

  /**
   * Names the thread {@code name} and counts what it skips or retries under {@code meterName}
   * (instead of {@code follow-<topics>} for both).
   */
  public TopicFollower<T> named(String name, String meterName) {
    this.name = name;
    this.meterName = meterName;
    return this;
  }

  /** Starts following; completes once the records present at start are handed over. */
  public Future<Void> start() {
    thread =
        new PollThread(
            context,
            name,
            meterName,
            () -> new KafkaConsumer<>(config, new StringDeserializer(), valueDeserializer),
            new Reading(),
            true,
            Duration.ofSeconds(5));
    return thread.start();
  }

  public Future<Void> stop() {
    return thread == null ? Future.succeededFuture() : thread.stop();
  }

  /** Records skipped so far because they could not be deserialized or decoded. */
  public long skipped() {
    return thread == null ? 0 : thread.skipped();
  }

  /** Failed reads so far, each retried with back-off. */
  public long failures() {
    return thread == null ? 0 : thread.failures();
  }

  private void applyFailed(T item, RuntimeException error) {
    LOG.error("{}: handling {} failed; skipping it", name, item, error);
    Meters.recordSettled(meterName, "handler_error");
  }

  /** What this follower does on its poll thread. */
  private final class Reading implements PollThread.Reader {

    /** Assigns every partition and seeks to where reading starts. */
    @Override
    public void open(KafkaConsumer<String, String> consumer) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        // a topic created a moment ago (by this or another stage) may not be in the metadata yet:
        // the poll thread tries again after its back-off
        List<TopicPartition> of =
            consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        if (of.isEmpty()) {
          throw new IllegalStateException(
              "topic " + topic + " has no partitions in the metadata yet");
        }
        partitions.addAll(of);
      }
      consumer.assign(partitions);
      seekToStart(consumer, partitions);
    }

    @Override
    public long restAfterMs(int count) {
      return count >= fullPoll ? 0 : pace.toMillis();
    }

    /** Decodes on the poll thread and hands what was decoded to the context. */
    @Override
    public void polled(ConsumerRecords<String, String> records) {
      List<T> decoded = new ArrayList<>(records.count());
      for (ConsumerRecord<String, String> record : records) {
        try {
          T item = decoder.apply(record);
          if (item != null) {
            decoded.add(item);
          }
        } catch (RuntimeException e) {
          // a reader has no offsets to settle: the record is left behind
          thread.skip(
              record.topic() + "-" + record.partition() + "@" + record.offset(), "unreadable", e);
        }
      }
      if (!decoded.isEmpty()) {
        BatchHandOff.deliver(context, decoded, handler, TopicFollower.this::applyFailed, name);
      }
    }

    private void seekToStart(
        KafkaConsumer<String, String> consumer, List<TopicPartition> partitions) {
      if (lookBack == null) {
        seekToBeginning(consumer, partitions);
        return;
      }
      seekToBeginning(
          consumer, partitions.stream().filter(p -> readWhole.contains(p.topic())).toList());
      long since = System.currentTimeMillis() - lookBack.toMillis();
      Map<TopicPartition, Long> query = new HashMap<>();
      partitions.stream()
          .filter(p -> !readWhole.contains(p.topic()))
          .forEach(p -> query.put(p, since));
      if (query.isEmpty()) {
        return;
      }
      Map<TopicPartition, OffsetAndTimestamp> found =
          consumer.offsetsForTimes(query, Duration.ofSeconds(30));
      List<TopicPartition> nothingNewer = new ArrayList<>();
      for (TopicPartition partition : query.keySet()) {
        OffsetAndTimestamp at = found.get(partition);
        if (at == null) {
          nothingNewer.add(partition);
        } else {
          consumer.seek(partition, at.offset());
        }
      }
      if (!nothingNewer.isEmpty()) {
        consumer.seekToEnd(nothingNewer); // an empty list would mean every assigned partition
      }
    }

    private void seekToBeginning(
        KafkaConsumer<String, String> consumer, List<TopicPartition> partitions) {
      if (!partitions.isEmpty()) {
        consumer.seekToBeginning(partitions); // an empty list would mean every assigned partition
      }
    }
  }
}
