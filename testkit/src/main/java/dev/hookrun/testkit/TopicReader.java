package dev.hookrun.testkit;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads a whole topic from the beginning to its current end, outside any consumer group. */
public final class TopicReader {

  private TopicReader() {}

  public static List<ConsumerRecord<String, String>> readAll(
      String bootstrapServers, String topic) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrapServers);
    props.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    props.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<String, String>> out = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 15_000;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end in 15 s");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }

  /** The JSON values of the records keyed {@code key}. */
  public static List<JsonObject> valuesFor(String bootstrapServers, String topic, String key) {
    return readAll(bootstrapServers, topic).stream()
        .filter(r -> key.equals(r.key()))
        .map(r -> new JsonObject(r.value()))
        .toList();
  }
}
