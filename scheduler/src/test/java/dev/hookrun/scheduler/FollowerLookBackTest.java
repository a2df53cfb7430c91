package dev.hookrun.scheduler;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.kafka.TopicFollower;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.kafka.TopicSpec;
import dev.hookrun.testkit.SharedTestBroker;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's ledger is rebuilt by a follower with a look-back: every record within it must be
 * read even when every partition has one (the case where nothing is older than the look-back), and
 * a topic read whole must give its old records too. Here, not in common, because common's tests
 * have no broker.
 */
class FollowerLookBackTest {

  @Test
  void readsEveryRecordWithinTheLookBackAndTopicsReadWholeFromTheirStart() throws Exception {
    KafkaSettings kafka =
        KafkaSettings.local(SharedTestBroker.bootstrapServers(), "fl-" + UUID.randomUUID() + ".");
    String recent = kafka.topicPrefix() + "recent";
    String whole = kafka.topicPrefix() + "whole";
    TopicInitializer.ensureBlocking(
        kafka, List.of(TopicSpec.of(recent, 3, (short) 1), TopicSpec.of(whole, 1, (short) 1)));
    long anHourAgo = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      for (int partition = 0; partition < 3; partition++) {
        producer.send(new ProducerRecord<>(recent, partition, "r" + partition, "v")).get();
      }
      producer.send(new ProducerRecord<>(whole, 0, anHourAgo, "old", "v")).get();
    }

    Vertx vertx = Vertx.vertx();
    Set<String> read = ConcurrentHashMap.newKeySet();
    try {
      Context context = vertx.getOrCreateContext();
      TopicFollower<String> follower =
          TopicFollower.decoding(
                  context,
                  KafkaClientProperties.reader(kafka, "look-back-test"),
                  List.of(recent, whole),
                  r -> r.key(),
                  read::addAll)
              .lookBack(Duration.ofMinutes(10))
              .readWhole(whole);
      follower.start().await();
      await().atMost(Duration.ofSeconds(10)).until(() -> read.size() == 4);
      assertEquals(Set.of("r0", "r1", "r2", "old"), read);
      follower.stop().await();
    } finally {
      vertx.close().await();
    }
  }
}
