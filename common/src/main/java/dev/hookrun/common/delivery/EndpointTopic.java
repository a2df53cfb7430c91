package dev.hookrun.common.delivery;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.kafka.TopicSnapshot;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The operator's side of the endpoints topic: every endpoint's health, folded as the dispatchers
 * fold it ({@link EndpointState#merge}), and the enable decision, written as a record the
 * dispatchers read.
 *
 * <p>Blocking calls on plain Kafka clients: from a Vert.x handler, run them with {@code
 * executeBlocking}.
 */
public final class EndpointTopic {

  /** The writer of an enable record. */
  public static final String OPS = "ops";

  private static final long SEND_TIMEOUT_S = 30;

  private final KafkaSettings kafka;
  private final Clock clock;

  public EndpointTopic(KafkaSettings kafka) {
    this(kafka, Clock.systemUTC());
  }

  public EndpointTopic(KafkaSettings kafka, Clock clock) {
    this.kafka = kafka;
    this.clock = clock;
  }

  /** Every endpoint a dispatcher attempted, by endpoint, in the order they were first written. */
  public Map<String, EndpointState> read() {
    String topic = kafka.topics().endpoints();
    Map<String, EndpointState> states = new LinkedHashMap<>();
    TopicSnapshot.read(
        kafka,
        topic,
        "hookrun-endpoints-reader",
        record -> {
          if (record.key() != null && record.value() == null) {
            states.remove(record.key()); // a tombstone: the dispatchers forgot the endpoint
            return;
          }
          EndpointState state = decode(record);
          if (state != null) {
            states.merge(record.key(), state, EndpointState::merge);
          }
        });
    return states;
  }

  /**
   * Enables a disabled endpoint (its URL or its {@link EndpointKey}); empty when no dispatcher
   * knows it or it is not disabled.
   */
  public Optional<EndpointState> enable(String endpoint) {
    String key = EndpointKey.of(endpoint);
    EndpointState known = key == null ? null : read().get(key);
    if (known == null || !known.disabled()) {
      return Optional.empty();
    }
    EndpointState enabled = known.enable(clock.instant()).writtenBy(OPS, clock.instant());
    write(enabled);
    return Optional.of(enabled);
  }

  private void write(EndpointState state) {
    String topic = kafka.topics().endpoints();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.producer(
                    kafka, "hookrun-endpoints-ops", Duration.ofSeconds(SEND_TIMEOUT_S))))) {
      producer
          .send(new ProducerRecord<>(topic, state.endpoint(), state.toJson().encode()))
          .get(SEND_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not write to " + topic + ": " + e.getMessage(), e);
    }
  }

  /** A record's state, or null for one that is not a state (skipped, as the dispatchers do). */
  public static EndpointState decode(ConsumerRecord<String, String> record) {
    if (record.key() == null || record.value() == null) {
      return null;
    }
    try {
      return EndpointState.fromJson(new JsonObject(record.value()));
    } catch (RuntimeException notAState) {
      return null;
    }
  }
}
