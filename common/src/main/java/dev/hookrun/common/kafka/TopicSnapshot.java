package dev.hookrun.common.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a whole topic, from its start to the end it has when the read begins, outside any group:
 * what an operator's call needs of a compacted topic (dead letters, endpoint health). Blocking;
 * from a Vert.x handler, run it with {@code executeBlocking}.
 */
public final class TopicSnapshot {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private TopicSnapshot() {}

  /**
   * Hands every record of {@code topic} to {@code each}, in partition order; nothing when the topic
   * does not exist yet.
   *
   * @throws IllegalStateException when the end is not reached within 30 s
   */
  public static void read(
      KafkaSettings kafka,
      String topic,
      String clientId,
      Consumer<ConsumerRecord<String, String>> each) {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            KafkaClientProperties.asObjects(KafkaClientProperties.reader(kafka, clientId)))) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, READ_TIMEOUT).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      if (partitions.isEmpty()) {
        return;
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read " + topic + " to its end in " + READ_TIMEOUT);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(each);
      }
    }
  }
}
