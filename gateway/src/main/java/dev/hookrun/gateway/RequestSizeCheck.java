package dev.hookrun.gateway;

import dev.hookrun.common.config.ConfigException;
import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.kafka.RequestLimits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Refuses to start a gateway whose BODY_LIMIT Kafka cannot carry: an existing requests topic
 * (created by an operator or with a smaller limit) or a client override of {@code max.request.size}
 * could otherwise refuse bodies the gateway accepted, for good.
 */
final class RequestSizeCheck {

  private RequestSizeCheck() {}

  static Future<Void> verify(
      Vertx vertx, KafkaSettings kafka, Map<String, String> producerProperties) {
    return vertx.executeBlocking(
        () -> {
          List<String> problems = problems(kafka, producerProperties, topicMaxMessageBytes(kafka));
          if (!problems.isEmpty()) {
            throw new ConfigException(problems);
          }
          return null;
        },
        false);
  }

  static List<String> problems(
      KafkaSettings kafka, Map<String, String> producerProperties, long topicMaxMessageBytes) {
    RequestLimits limits = kafka.requestLimits();
    long needed = limits.maxRecordBytes();
    String topic = kafka.topics().requests();
    String why =
        " cannot hold a request record of up to "
            + needed
            + " bytes (BODY_LIMIT="
            + limits.bodyLimit()
            + " plus "
            + (needed - limits.bodyLimit())
            + " bytes of envelope)";
    List<String> problems = new ArrayList<>();
    if (topicMaxMessageBytes < needed) {
      problems.add(
          "topic "
              + topic
              + " has max.message.bytes="
              + topicMaxMessageBytes
              + ", which"
              + why
              + ": raise it (kafka-configs.sh --alter --entity-type topics --entity-name "
              + topic
              + " --add-config max.message.bytes="
              + needed
              + ") or lower BODY_LIMIT"
              + fittingBodyLimit(topicMaxMessageBytes, limits));
    }
    String maxRequest = producerProperties.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    if (maxRequest != null && parse(maxRequest) < needed) {
      problems.add(
          "the Kafka client setting max.request.size="
              + maxRequest
              + why
              + ": remove it from KAFKA_CLIENT_CONFIG_FILE or lower BODY_LIMIT"
              + fittingBodyLimit(parse(maxRequest), limits));
    }
    return problems;
  }

  /**
   * The largest BODY_LIMIT a Kafka bound of {@code maxBytes} can carry, as advice; empty when none.
   */
  private static String fittingBodyLimit(long maxBytes, RequestLimits limits) {
    long fitting = maxBytes - (limits.maxRecordBytes() - limits.bodyLimit());
    return fitting >= 1024 ? " to at most " + fitting : "";
  }

  private static long topicMaxMessageBytes(KafkaSettings kafka) throws Exception {
    var resource = new ConfigResource(ConfigResource.Type.TOPIC, kafka.topics().requests());
    try (Admin admin =
        Admin.create(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.admin(kafka, "hookrun-gateway-size-check")))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (true) {
        try {
          Config config =
              admin
                  .describeConfigs(List.of(resource))
                  .all()
                  .get(20, TimeUnit.SECONDS)
                  .get(resource);
          var entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
          return entry == null || entry.value() == null
              ? Long.MAX_VALUE
              : Long.parseLong(entry.value());
        } catch (ExecutionException e) {
          // a topic created a moment ago may not have reached the broker's metadata yet
          if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
              || System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(100); // on a worker thread (executeBlocking), once per start
        }
      }
    }
  }

  private static long parse(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
