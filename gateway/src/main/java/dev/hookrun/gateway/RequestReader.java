package dev.hookrun.gateway;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.kafka.KeyPartitioner;
import dev.hookrun.common.run.RunRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads one run's request back from the requests topic, which keeps it at least the run retention:
 * the input a retry runs again. Only the partition the run id hashes to is read, from the run's
 * creation time on (less a margin for clock skew between hosts). Retries are rare, so each read has
 * its own short-lived consumer, off the event loop.
 */
final class RequestReader {

  private static final Duration CLOCK_SKEW_MARGIN = Duration.ofMinutes(5);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

  private final Vertx vertx;
  private final KafkaSettings kafka;

  RequestReader(Vertx vertx, KafkaSettings kafka) {
    this.vertx = vertx;
    this.kafka = kafka;
  }

  /** The request, or null when the topic no longer has it. */
  Future<RunRequest> read(String runId, Instant createdAt) {
    return vertx.executeBlocking(() -> readBlocking(runId, createdAt), false);
  }

  private RunRequest readBlocking(String runId, Instant createdAt) {
    String topic = kafka.topics().requests();
    try (var consumer =
        new KafkaConsumer<String, String>(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.reader(kafka, "hookrun-gateway-retry")))) {
      int partitions = consumer.partitionsFor(topic, READ_TIMEOUT).size();
      TopicPartition partition =
          new TopicPartition(topic, KeyPartitioner.partitionFor(runId, partitions));
      consumer.assign(List.of(partition));
      long since = createdAt == null ? 0 : createdAt.minus(CLOCK_SKEW_MARGIN).toEpochMilli();
      OffsetAndTimestamp from =
          consumer.offsetsForTimes(Map.of(partition, since), READ_TIMEOUT).get(partition);
      long end = consumer.endOffsets(List.of(partition), READ_TIMEOUT).get(partition);
      if (from == null) {
        return null;
      }
      consumer.seek(partition, from.offset());
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      RunRequest found = null;
      while (consumer.position(partition) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          if (runId.equals(record.key()) && record.value() != null) {
            found =
                RunRequest.fromJson(
                    new JsonObject(record.value())); // the last one is the run shown
          }
        }
      }
      return found;
    }
  }
}
