package dev.hookrun.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {

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
