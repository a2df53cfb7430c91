package dev.hookrun.ops;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Short-lived Kafka clients for one ops query, every call bounded by {@code timeout} and every
 * failure turned into an {@link OpsException} an operator can read.
 *
 * <p>Each query opens its own Admin client and closes it: ops queries are rare, and a client per
 * query leaves nothing to clean up when a gateway stops or a broker comes and goes.
 */
final class KafkaAccess {

  @FunctionalInterface
  interface AdminCall<T> {
    T apply(Admin admin) throws Exception;
  }

  private final KafkaSettings kafka;
  private final Duration timeout;

  KafkaAccess(KafkaSettings kafka, Duration timeout) {
    this.kafka = kafka;
    this.timeout = timeout;
  }

  KafkaSettings kafka() {
    return kafka;
  }

  Duration timeout() {
    return timeout;
  }

  int timeoutMs() {
    return (int) timeout.toMillis();
  }

  <T> T withAdmin(AdminCall<T> call) {
    Admin admin =
        Admin.create(
            KafkaClientProperties.asObjects(KafkaClientProperties.admin(kafka, "hookrun-ops")));
    try {
      return call.apply(admin);
    } catch (OpsException | IllegalArgumentException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw OpsException.unavailable("Interrupted while waiting for Kafka.");
    } catch (Exception e) {
      throw translate(e);
    } finally {
      admin.close(Duration.ofSeconds(1));
    }
  }

  /** A reader outside any group, for assign-and-seek reads. */
  KafkaConsumer<String, String> reader() {
    return new KafkaConsumer<>(
        KafkaClientProperties.asObjects(KafkaClientProperties.reader(kafka, "hookrun-ops-reader")));
  }

  <T> T get(KafkaFuture<T> future) throws Exception {
    return future.get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
  }

  Set<String> topicNames(Admin admin) throws Exception {
    return get(admin.listTopics(new ListTopicsOptions().timeoutMs(timeoutMs())).names());
  }

  Map<String, TopicDescription> describe(Admin admin, Collection<String> topics) throws Exception {
    if (topics.isEmpty()) {
      return Map.of();
    }
    return get(
        admin
            .describeTopics(topics, new DescribeTopicsOptions().timeoutMs(timeoutMs()))
            .allTopicNames());
  }

  /** Offsets of {@code spec} (earliest, latest, for a timestamp); -1 where there is none. */
  Map<TopicPartition, Long> offsets(
      Admin admin, Collection<TopicPartition> partitions, OffsetSpec spec) throws Exception {
    if (partitions.isEmpty()) {
      return Map.of();
    }
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(p -> request.put(p, spec));
    Map<TopicPartition, Long> out = new HashMap<>();
    get(admin.listOffsets(request, new ListOffsetsOptions().timeoutMs(timeoutMs())).all())
        .forEach((p, info) -> out.put(p, info.offset()));
    return out;
  }

  static List<TopicPartition> partitionsOf(String topic, int count) {
    return java.util.stream.IntStream.range(0, count)
        .mapToObj(p -> new TopicPartition(topic, p))
        .toList();
  }

  RuntimeException translate(Exception e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof TimeoutException
        || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
      return OpsException.unavailable(
          "Kafka at "
              + kafka.bootstrapServers()
              + " did not answer within "
              + timeout.toSeconds()
              + " s (is the broker running and reachable?).");
    }
    if (cause instanceof UnknownTopicOrPartitionException) {
      return OpsException.notFound("Topic not found: " + cause.getMessage());
    }
    if (cause instanceof OpsException ops) {
      return ops;
    }
    return new IllegalStateException("Kafka error: " + cause, cause);
  }
}
