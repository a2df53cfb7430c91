package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.kafka.KeyPartitioner;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionHealthTest {

  private static final long MS = 1_000_000L;
  private final AtomicLong now = new AtomicLong(1_000 * MS);
  private final PartitionHealth health = new PartitionHealth(1_000, 2_000, now::get);
  private final TopicPartition p0 = new TopicPartition("requests", 0);
  private final TopicPartition p1 = new TopicPartition("requests", 1);

  @Test
  void aPartitionWithASendUnacknowledgedPastTheThresholdIsStalledUntilItAcknowledges() {
    health.sent(p0);
    health.sent(p1);
    now.addAndGet(900 * MS);
    health.acknowledged(p1);
    assertFalse(health.stalled(p0), "writes take a while sometimes");
    now.addAndGet(200 * MS);
    assertTrue(health.stalled(p0), "1.1 s without an acknowledgement");
    assertFalse(health.stalled(p1));
    health.acknowledged(p0);
    assertFalse(health.stalled(p0), "the new leader took it");
  }

  @Test
  void aTimedOutPartitionIsAvoidedForAWhileThenTriedAgain() {
    health.sent(p0);
    now.addAndGet(3_750 * MS);
    health.failed(p0, true);
    assertTrue(health.stalled(p0));
    now.addAndGet(2_001 * MS);
    assertFalse(health.stalled(p0), "new runs go there again to see whether the election is over");
    health.sent(p1);
    health.failed(p1, false);
    assertFalse(health.stalled(p1), "a rejected record says nothing about its partition");
  }

  @Test
  void theSenderPlacesKeysExactlyAsKafkasDefaultPartitioner() {
    for (int i = 0; i < 1_000; i++) {
      String key = UUID.randomUUID().toString();
      assertEquals(
          BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), 12),
          KeyPartitioner.partitionFor(key, 12));
    }
  }
}
