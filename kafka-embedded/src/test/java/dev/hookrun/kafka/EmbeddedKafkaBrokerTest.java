package dev.hookrun.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {

  @Test
  void requestCountsCountEachRequestOnceByItsKafkaType(@TempDir Path dir) throws Exception {
    try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, 0).start()) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("counted", 1, (short) 1))).all().get();
      }
      Map<String, Long> before = EmbeddedKafkaBroker.requestCounts();
      try (var producer =
          new KafkaProducer<>(
              Map.<String, Object>of(
                  "bootstrap.servers", broker.bootstrapServers(), "acks", "all", "linger.ms", 0),
              new StringSerializer(),
              new StringSerializer())) {
        for (int i = 0; i < 3; i++) {
          producer.send(new ProducerRecord<>("counted", "k", "v" + i)).get();
        }
      }
      Properties props = new Properties();
      props.put("bootstrap.servers", broker.bootstrapServers());
      long fetchesSent;
      try (var consumer =
          new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
        TopicPartition tp = new TopicPartition("counted", 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        int read = 0;
        long deadline = System.currentTimeMillis() + 30_000;
        while (read < 3 && System.currentTimeMillis() < deadline) {
          read += consumer.poll(Duration.ofMillis(200)).count();
        }
        assertEquals(3, read);
        fetchesSent =
            consumer.metrics().entrySet().stream()
                .filter(
                    e ->
                        e.getKey().name().equals("fetch-total")
                            && e.getKey().group().equals("consumer-fetch-manager-metrics"))
                .mapToLong(e -> ((Number) e.getValue().metricValue()).longValue())
                .sum();
      }
      Map<String, Long> after = EmbeddedKafkaBroker.requestCounts();

      assertEquals(3, after.get("Produce") - before.getOrDefault("Produce", 0L));
      long fetches = after.get("Fetch") - before.getOrDefault("Fetch", 0L);
      // the consumer counts a fetch when its answer arrives, and closing sends one more
      assertTrue(fetches >= fetchesSent && fetchesSent > 0, fetches + " vs " + fetchesSent);
      Set<String> kafkaTypes =
          Arrays.stream(ApiKeys.values()).map(k -> k.name).collect(Collectors.toSet());
      assertTrue(kafkaTypes.containsAll(after.keySet()), after.keySet().toString());
    }
  }

  @Test
  void recordsSurviveABrokerRestartOnTheSameDataDir(@TempDir Path dir) throws Exception {
    try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, 0).start()) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
      }
      try (var producer =
          new KafkaProducer<>(
              Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers(), "acks", "all"),
              new StringSerializer(),
              new StringSerializer())) {
        producer.send(new ProducerRecord<>("t", "k", "v")).get();
      }
      broker.stop();
      broker.start();

      Properties props = new Properties();
      props.put("bootstrap.servers", broker.bootstrapServers());
      try (var consumer =
          new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
        TopicPartition tp = new TopicPartition("t", 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        ConsumerRecords<String, String> records = ConsumerRecords.empty();
        long deadline = System.currentTimeMillis() + 30_000;
        while (records.isEmpty() && System.currentTimeMillis() < deadline) {
          records = consumer.poll(Duration.ofMillis(200));
        }
        assertEquals(1, records.count());
        assertEquals("v", records.iterator().next().value());
      }
    }
  }
}
