package dev.hookrun.dispatcher;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead letters, for operators: list them, and replay one run or all of them.
 *
 * <p>The dead-letter topic is compacted and keyed by run id, so its latest record per run is
 * that run's dead letter. A replay puts the delivery back on the first retry tier, due at once,
 * with a fresh retry schedule (the dispatchers pick it up as they do any retry), then writes a
 * tombstone so the run leaves the list. Should the replay fail to the end again, it comes back
 * as a new dead letter. A run whose webhook was delivered meanwhile is not delivered twice.
 *
 * <p>Blocking calls on plain Kafka clients: from a Vert.x handler, run them with
 * {@code executeBlocking}. Needs only the {@link KafkaSettings}; not thread-safe.
 */
public final class DeadLetters implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  private static final long SEND_TIMEOUT_S = 30;

  private final KafkaSettings kafka;
  private final Clock clock;
  private KafkaProducer<String, String> producer;

  public DeadLetters(KafkaSettings kafka) {
    this(kafka, Clock.systemUTC());
  }

  DeadLetters(KafkaSettings kafka, Clock clock) {
    this.kafka = kafka;
    this.clock = clock;
  }

  /** Every current dead letter, oldest first. */
  public List<DeadLetter> list() {
    List<DeadLetter> out = new ArrayList<>(read().values());
    out.sort(Comparator.comparing(DeadLetter::deadAt));
    return out;
  }

  public Optional<DeadLetter> find(String runId) {
    return Optional.ofNullable(read().get(runId));
  }

  /** Replays one run's dead letter; false when the run has none. */
  public boolean replay(String runId) {
    Optional<DeadLetter> letter = find(runId);
    letter.ifPresent(this::replay);
    return letter.isPresent();
  }

  /** Replays every dead letter; answers how many. */
  public int replayAll() {
    List<DeadLetter> all = list();
    all.forEach(this::replay);
    return all.size();
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(10));
      producer = null;
    }
  }

  private void replay(DeadLetter letter) {
    DeliveryRecord fresh = letter.delivery().replayed(clock.instant());
    // back into delivery first, then off the list: a crash in between leaves it listed (and
    // replayable again), never lost; a double delivery is prevented by the delivered check
    send(new ProducerRecord<>(kafka.topics().retryTier(1), letter.runId(), fresh.toJson().encode()));
    send(new ProducerRecord<>(kafka.topics().deadLetters(), letter.runId(), null));
    LOG.info("run {}: dead letter replayed (was {} after {} attempts)", letter.runId(), letter.reason(), letter.attempts());
  }

  private void send(ProducerRecord<String, String> record) {
    if (producer == null) {
      producer = new KafkaProducer<>(KafkaClientProperties.asObjects(
          KafkaClientProperties.producer(kafka, "hookrun-dead-letters", Duration.ofSeconds(SEND_TIMEOUT_S))));
    }
    try {
      producer.send(record).get(SEND_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to " + record.topic(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not write to " + record.topic() + ": " + e.getMessage(), e);
    }
  }

  /** The latest dead letter per run, reading the topic to its current end. */
  private Map<String, DeadLetter> read() {
    String topic = kafka.topics().deadLetters();
    Map<String, DeadLetter> latest = new LinkedHashMap<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(KafkaClientProperties.asObjects(
        KafkaClientProperties.reader(kafka, "hookrun-dead-letters-reader")))) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, READ_TIMEOUT).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      if (partitions.isEmpty()) {
        return latest; // no dispatcher has run yet
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end in " + READ_TIMEOUT);
        }
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value() == null) {
            latest.remove(record.key()); // replayed
          } else {
            DeadLetter letter = parse(record);
            if (letter != null) {
              latest.put(record.key(), letter);
            }
          }
        }
      }
    }
    return latest;
  }

  private static DeadLetter parse(ConsumerRecord<String, String> record) {
    try {
      DeliveryRecord delivery = DeliveryRecord.fromJson(new JsonObject(record.value()));
      DeliveryRecord.Failure last = delivery.lastFailure();
      return new DeadLetter(
          delivery.runId(),
          delivery.result().project(),
          delivery.result().app(),
          delivery.result().webhookEndpoint(),
          header(record, DeadLetterHeaders.REASON),
          delivery.attempts(),
          last == null ? null : last.statusCode(),
          last == null ? null : last.error(),
          Instant.ofEpochMilli(record.timestamp()),
          record.partition(),
          record.offset(),
          delivery);
    } catch (RuntimeException e) {
      LOG.warn("skipping unreadable dead letter at {}@{}: {}", record.partition(), record.offset(), e.toString());
      return null;
    }
  }

  private static String header(ConsumerRecord<String, String> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
