package dev.hookrun.ops;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.kafka.TopicSpec;
import dev.hookrun.testkit.SharedTestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** A test's own platform (unique topic prefix) on the shared broker, and a producer into it. */
final class TestTopics implements AutoCloseable {

  final KafkaSettings kafka;
  private final KafkaProducer<String, String> producer;

  TestTopics(String name) {
    kafka =
        KafkaSettings.local(
            SharedTestBroker.bootstrapServers(), name + "-" + UUID.randomUUID() + ".");
    producer =
        new KafkaProducer<>(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.producer(kafka, "test-producer", Duration.ofSeconds(10))));
  }

  /** Creates topics by short name with the given partition counts. */
  TestTopics create(Map<String, Integer> partitions) throws Exception {
    List<TopicSpec> specs =
        partitions.entrySet().stream()
            .map(e -> TopicSpec.of(kafka.topicPrefix() + e.getKey(), e.getValue(), (short) 1))
            .toList();
    TopicInitializer.ensureBlocking(kafka, specs);
    return this;
  }

  String topic(String shortName) {
    return kafka.topicPrefix() + shortName;
  }

  RecordMetadata send(
      String shortName,
      Integer partition,
      Long timestamp,
      String key,
      String value,
      Map<String, String> headers)
      throws Exception {
    ProducerRecord<String, String> record =
        new ProducerRecord<>(topic(shortName), partition, timestamp, key, value);
    headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
    return producer.send(record).get(10, TimeUnit.SECONDS);
  }

  RecordMetadata send(String shortName, String key, String value) throws Exception {
    return send(shortName, null, null, key, value, Map.of());
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
