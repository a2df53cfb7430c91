package dev.hookrun.common.delivery;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.kafka.TopicSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one reader of the dead-letter topic, its replay and its purge: list the dead letters, replay
 * one run, all of them or those matching a filter, or purge them.
 *
 * <p>The dead-letter topic is compacted and keyed by run id, so its latest record per run is that
 * run's dead letter. A replay puts the delivery back on the first retry tier, due at once, with a
 * fresh retry schedule (the dispatchers pick it up as they do any retry), then writes a tombstone
 * so the run leaves the list. Should the replay fail to the end again, it comes back as a new dead
 * letter. A run whose webhook was delivered meanwhile is not delivered twice.
 *
 * <p>Blocking calls on plain Kafka clients: from a Vert.x handler, run them with {@code
 * executeBlocking}. Needs only the {@link KafkaSettings}; not thread-safe.
 */
public final class DeadLetterTopic implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterTopic.class);
  private static final long SEND_TIMEOUT_S = 30;

  private final KafkaSettings kafka;
  private final Clock clock;
  private KafkaProducer<String, String> producer;

  public DeadLetterTopic(KafkaSettings kafka) {
    this(kafka, Clock.systemUTC());
  }

  public DeadLetterTopic(KafkaSettings kafka, Clock clock) {
    this.kafka = kafka;
    this.clock = clock;
  }

  /** Every current dead letter (latest record per run, not a replay's tombstone), oldest first. */
  public List<DeadLetter> list() {
    List<DeadLetter> out = new ArrayList<>(read().values());
    out.sort(
        Comparator.comparing(DeadLetter::deadAt)
            .thenComparingInt(DeadLetter::partition)
            .thenComparingLong(DeadLetter::offset));
    return out;
  }

  public Optional<DeadLetter> find(String runId) {
    return Optional.ofNullable(read().get(runId));
  }

  /** Replays one run's dead letter; false when the run has none (or none that can be replayed). */
  public boolean replay(String runId) {
    return find(runId).map(this::replay).orElse(false);
  }

  /** Replays every dead letter, reading the topic once; answers the run ids replayed. */
  public List<String> replayAll() {
    List<String> done = new ArrayList<>();
    for (DeadLetter letter : list()) {
      if (replay(letter)) {
        done.add(letter.runId());
      }
    }
    return done;
  }

  /**
   * Replays the dead letters {@code filter} accepts, reading the topic once; answers their runs.
   */
  public List<String> replayMatching(java.util.function.Predicate<DeadLetter> filter) {
    List<String> done = new ArrayList<>();
    for (DeadLetter letter : list()) {
      if (filter.test(letter) && replay(letter)) {
        done.add(letter.runId());
      }
    }
    return done;
  }

  /**
   * Drops the dead letters {@code filter} accepts without delivering them (a tombstone each, so
   * they leave the list), reading the topic once; answers their runs. Their webhooks are never
   * sent: what an operator chooses for deliveries nobody wants any more.
   */
  public List<String> purgeMatching(java.util.function.Predicate<DeadLetter> filter) {
    List<String> done = new ArrayList<>();
    for (DeadLetter letter : list()) {
      if (filter.test(letter)) {
        send(new ProducerRecord<>(kafka.topics().deadLetters(), letter.runId(), null));
        LOG.info(
            "run {}: dead letter purged (was {} after {} attempts); its webhook is not sent",
            letter.runId(),
            letter.reason(),
            letter.attempts());
        done.add(letter.runId());
      }
    }
    return done;
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(10));
      producer = null;
    }
  }

  private boolean replay(DeadLetter letter) {
    if (letter.delivery() == null) {
      LOG.warn(
          "run {}: dead letter at {}@{} is not a delivery record, not replayed",
          letter.runId(),
          letter.partition(),
          letter.offset());
      return false;
    }
    DeliveryRecord fresh = letter.delivery().replayed(clock.instant());
    // back into delivery first, then off the list: a crash in between leaves it listed (and
    // replayable again), never lost; a double delivery is prevented by the delivered check
    ProducerRecord<String, String> retry =
        new ProducerRecord<>(kafka.topics().retryTier(1), letter.runId(), fresh.toJson().encode());
    retry
        .headers()
        .add(
            DeadLetterHeaders.REPLAY_OF,
            (letter.record().topic() + "/" + letter.partition() + "@" + letter.offset())
                .getBytes(StandardCharsets.UTF_8));
    send(retry);
    send(new ProducerRecord<>(kafka.topics().deadLetters(), letter.runId(), null));
    LOG.info(
        "run {}: dead letter replayed (was {} after {} attempts)",
        letter.runId(),
        letter.reason(),
        letter.attempts());
    return true;
  }

  private void send(ProducerRecord<String, String> record) {
    if (producer == null) {
      producer =
          new KafkaProducer<>(
              KafkaClientProperties.asObjects(
                  KafkaClientProperties.producer(
                      kafka, "hookrun-dead-letters", Duration.ofSeconds(SEND_TIMEOUT_S))));
    }
    try {
      producer.send(record).get(SEND_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to " + record.topic(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "could not write to " + record.topic() + ": " + e.getMessage(), e);
    }
  }

  /** The latest dead letter per run, reading the topic to its current end. */
  private Map<String, DeadLetter> read() {
    String topic = kafka.topics().deadLetters();
    Map<String, DeadLetter> latest = new LinkedHashMap<>();
    TopicSnapshot.read(
        kafka,
        topic,
        "hookrun-dead-letters-reader",
        record -> {
          if (record.value() == null) {
            latest.remove(record.key()); // replayed
          } else {
            DeadLetter letter = DeadLetter.of(record);
            latest.remove(letter.runId()); // keep the map in the order of the latest records
            latest.put(letter.runId(), letter);
          }
        });
    return latest;
  }
}
