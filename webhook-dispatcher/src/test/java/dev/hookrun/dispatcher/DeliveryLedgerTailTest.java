package dev.hookrun.dispatcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.PlatformTopics;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.run.DeliveryState;
import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.common.run.WebhookState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ledger's tail of the deliveries topic survives a record it cannot read. It used to end for
 * good on the first exception, leaving the dispatcher with a stale ledger that lets a second result
 * for a delivered run be delivered again.
 */
class DeliveryLedgerTailTest {

  private final DispatcherHarness h = new DispatcherHarness("ledger");
  private DeliveryLedger ledger;

  @AfterEach
  void tearDown() {
    if (ledger != null) {
      ledger.stop().await();
    }
    h.close();
  }

  /**
   * Decodes like the dispatcher does, but fails on one record, as a corrupt or foreign value would.
   */
  private static final class FailsOnPoison implements Deserializer<String> {
    private final DeliveryLedger.DispatcherStatesOnly real =
        new DeliveryLedger.DispatcherStatesOnly();

    @Override
    public String deserialize(String topic, byte[] data) {
      return deserialize(topic, null, data);
    }

    @Override
    public String deserialize(String topic, Headers headers, byte[] data) {
      if (data != null && new String(data, StandardCharsets.UTF_8).contains("poison")) {
        throw new IllegalStateException("cannot decode this value");
      }
      return headers == null
          ? real.deserialize(topic, data)
          : real.deserialize(topic, headers, data);
    }
  }

  @Test
  void anUndecodableRecordIsSkippedAndCountedAndTheTailGoesOn() throws Exception {
    TopicInitializer.ensureBlocking(
        h.kafka, List.of(PlatformTopics.deliveries(h.kafka, h.kafka.runRetention())));
    String before = "run-before-" + UUID.randomUUID();
    String after = "run-after-" + UUID.randomUUID();
    try (var producer =
        new KafkaProducer<String, String>(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.producer(h.kafka, "test-states", Duration.ofSeconds(20))))) {
      // all on partition 0: the poison sits between two deliveries
      send(producer, delivered(before));
      producer
          .send(new ProducerRecord<>(h.kafka.topics().deliveries(), 0, "run-poison", "poison"))
          .get(20, TimeUnit.SECONDS);
      ledger = new DeliveryLedger(h.kafka, "test-ledger", new FailsOnPoison());
      ledger.start(h.vertx.getOrCreateContext()).await();
      // written while the ledger is tailing, after the record it could not decode
      send(producer, delivered(after));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> ledger.isDelivered(after));
    assertTrue(ledger.isDelivered(before));
    assertEquals(1, ledger.skipped());
  }

  /** A dispatcher's delivered state for {@code runId}, as the dispatcher writes it. */
  private static DeliveryState delivered(String runId) {
    return DeliveryState.of(
        DispatcherHarness.result(runId, "p-1", "http://127.0.0.1:9/h"),
        new WebhookState("http://127.0.0.1:9/h", WebhookState.DELIVERED, 1, 200, null, null),
        Instant.now());
  }

  private void send(KafkaProducer<String, String> producer, DeliveryState state) throws Exception {
    var record =
        new ProducerRecord<>(
            h.kafka.topics().deliveries(), 0, state.runId(), state.toJson().encode());
    record.headers().add(RunHeaders.SOURCE, "dispatcher".getBytes(StandardCharsets.UTF_8));
    producer.send(record).get(20, TimeUnit.SECONDS);
  }
}
