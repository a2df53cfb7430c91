package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class DeliveryTimeoutTest {

  private static final Duration SEND = Duration.ofSeconds(9);

  @Test
  void onOneBrokerARecordIsSettledByTheTimeItsClientIsAnswered() {
    assertEquals(SEND, DeliveryTimeout.derived(SEND, 1, Duration.ofSeconds(9)));
  }

  @Test
  void onSeveralBrokersARecordOutlastsTwoSessionTimeoutsAfterTheAnswer() {
    assertEquals(Duration.ofSeconds(27), DeliveryTimeout.derived(SEND, 3, Duration.ofSeconds(9)));
    assertEquals(Duration.ofSeconds(17), DeliveryTimeout.derived(SEND, 3, Duration.ofSeconds(4)));
  }

  @Test
  void theProducerKeepsTryingForTheDeliveryTimeoutButWaitsForMetadataOnlyWithinTheAnswer() {
    KafkaSettings kafka = KafkaSettings.local("127.0.0.1:9092", "t.");
    Map<String, String> p =
        KafkaClientProperties.producer(kafka, "g", SEND, Duration.ofSeconds(27));
    long block = Long.parseLong(p.get(ProducerConfig.MAX_BLOCK_MS_CONFIG));
    long delivery = Long.parseLong(p.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));
    long request = Long.parseLong(p.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG));
    assertEquals(27_000, block + delivery);
    assertTrue(block < SEND.toMillis() / 2, "metadata wait " + block);
    // a produce request waiting for a dead follower's fencing (9 s and more) is not cut
    assertTrue(request > 18_000 && request <= delivery, "request timeout " + request);
    // equal timeouts: the producer every other stage has
    assertEquals(
        KafkaClientProperties.producer(kafka, "g", SEND),
        KafkaClientProperties.producer(kafka, "g", SEND, SEND));
  }
}
