package dev.hookrun.dispatcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.hookrun.common.kafka.ConsumerLoop;
import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.TopicFollower;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.kafka.TopicSpec;
import dev.hookrun.common.metrics.ServiceMetrics;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every reader (a group member, a reader of every partition) meets errors the same way, on the real
 * broker. A record it cannot decode is skipped, counted, and the records after it still arrive; a
 * failed read is retried with back-off and counted, never fatal.
 */
class ReaderErrorPolicyTest {

  private final DispatcherHarness h = new DispatcherHarness("policy");
  private final List<String> handled = new CopyOnWriteArrayList<>();
  private TopicFollower<String> follower;
  private ConsumerLoop loop;

  @AfterEach
  void tearDown() {
    if (follower != null) {
      follower.stop().await();
    }
    if (loop != null) {
      loop.stop().await();
    }
    h.close();
  }

  /** Fails on any value containing "poison", as a corrupt or foreign value would. */
  public static final class FailsOnPoison implements Deserializer<String> {
    @Override
    public String deserialize(String topic, byte[] data) {
      String value = data == null ? null : new String(data, StandardCharsets.UTF_8);
      if (value != null && value.contains("poison")) {
        throw new IllegalStateException("cannot decode " + value);
      }
      return value;
    }
  }

  private String topicWith(String... values) throws Exception {
    String topic = h.kafka.topicPrefix() + "records";
    TopicInitializer.ensureBlocking(h.kafka, List.of(TopicSpec.of(topic, 1, (short) 1)));
    send(topic, values);
    return topic;
  }

  private void send(String topic, String... values) throws Exception {
    try (var producer =
        new KafkaProducer<String, String>(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.producer(h.kafka, "test-records", Duration.ofSeconds(20))))) {
      for (String value : values) {
        producer.send(new ProducerRecord<>(topic, 0, value, value)).get(20, TimeUnit.SECONDS);
      }
    }
  }

  private static double settled(String consumer, String reason) {
    var found =
        ServiceMetrics.registry()
            .find("hookrun.consumer.records.settled")
            .tags("consumer", consumer, "reason", reason)
            .counter();
    return found == null ? 0 : found.count();
  }

  /** Hands what it decodes to the test; throws on "garbled" as a decoder meeting bad JSON would. */
  private TopicFollower<String> follow(String topic) {
    return TopicFollower.decoding(
            h.vertx.getOrCreateContext(),
            KafkaClientProperties.reader(h.kafka, "test-follower"),
            List.of(topic),
            record -> {
              if (record.value().contains("garbled")) {
                throw new IllegalArgumentException("not JSON: " + record.value());
              }
              return record.value();
            },
            handled::addAll)
        .values(new FailsOnPoison())
        .named("test-follower", "policy-" + h.groupId);
  }

  @Test
  void aFollowerSkipsAndCountsWhatItCannotReadAndGoesOn() throws Exception {
    String topic = topicWith("one", "poison", "two", "garbled", "three");
    String meter = "policy-" + h.groupId;

    follower = follow(topic);
    follower.start().await(30, TimeUnit.SECONDS); // caught up: past both bad records

    assertEquals(List.of("one", "two", "three"), handled);
    send(topic, "poison again", "four");
    await().atMost(Duration.ofSeconds(30)).until(() -> handled.contains("four"));
    assertEquals(3, follower.skipped());
    assertEquals(2, settled(meter, "undecodable"));
    assertEquals(1, settled(meter, "unreadable"));
    assertEquals(0, follower.failures());
  }

  /** A failure before there is anything to read: the topic does not exist yet. */
  @Test
  void aFailedReadIsRetriedWithBackOffUntilItPasses() throws Exception {
    String topic = h.kafka.topicPrefix() + "later";
    String meter = "policy-" + h.groupId;

    follower = follow(topic);
    Future<Void> started = follower.start();

    // retried, counted, and the start neither fails nor completes meanwhile
    await().atMost(Duration.ofSeconds(30)).until(() -> follower.failures() >= 3);
    assertFalse(started.isComplete());
    assertEquals(follower.failures(), settled(meter, "read_error"), 1.0);

    TopicInitializer.ensureBlocking(h.kafka, List.of(TopicSpec.of(topic, 1, (short) 1)));
    send(topic, "first");
    started.await(30, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(30)).until(() -> handled.contains("first"));
  }

  /**
   * The same policy in a group member: the undecodable record is skipped past, counted under the
   * group.
   */
  @Test
  void aGroupMemberSkipsAndCountsAnUndecodableRecordAndGoesOn() throws Exception {
    String topic = topicWith("one", "poison", "two");
    Map<String, String> config =
        KafkaClientProperties.consumer(
            h.kafka, h.groupId, "test-member", Duration.ofMinutes(1), 100);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, FailsOnPoison.class.getName());
    loop =
        new ConsumerLoop(
            h.vertx.getOrCreateContext(),
            config,
            List.of(topic),
            new ConsumerLoop.Listener() {
              @Override
              public void onRecords(List<ConsumerRecord<String, String>> records) {
                records.forEach(r -> handled.add(r.value()));
              }

              @Override
              public Future<Map<TopicPartition, OffsetAndMetadata>> onRevoked(
                  Set<TopicPartition> partitions) {
                return Future.succeededFuture(Map.of());
              }
            },
            "test-member");
    loop.start().await(30, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(30)).until(() -> handled.contains("two"));
    assertEquals(List.of("one", "two"), handled);
    assertEquals(1, settled(h.groupId, "undecodable"));
  }
}
