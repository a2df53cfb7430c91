package dev.hookrun.gateway;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long the gateway's producer keeps trying to write a request, which may be longer than the
 * client waits for its answer (KAFKA_SEND_TIMEOUT).
 *
 * <p>On a cluster, a node killed without a word stays in the ISR of every partition it replicates
 * until the controller fences it: {@code broker.session.timeout.ms} after its last heartbeat, and,
 * when it was the active controller, up to that again after the election (the new controller gives
 * every broker a fresh session). Until then acks=all writes wait on those partitions, then they all
 * go through. A record given up earlier may be on the leader anyway, so giving up turns the wait
 * into runs that run after their 503 and into sequence resets of the idempotent producer, and saves
 * nothing: the client has its answer by the send timeout either way. So on several brokers a record
 * keeps trying for the send timeout plus twice the brokers' session timeout, read from the cluster
 * at start. On one broker there is no fencing to wait out, and a record's fate is settled by the
 * time its client is answered.
 */
final class DeliveryTimeout {

  private static final Logger LOG = LoggerFactory.getLogger(DeliveryTimeout.class);
  static final String SESSION_TIMEOUT = "broker.session.timeout.ms";

  /** Kafka's default, assumed when the brokers do not say (no DescribeConfigs permission). */
  static final Duration KAFKA_SESSION_TIMEOUT = Duration.ofSeconds(9);

  private DeliveryTimeout() {}

  static Duration derived(Duration sendTimeout, int brokers, Duration brokerSessionTimeout) {
    return brokers <= 1 ? sendTimeout : sendTimeout.plus(brokerSessionTimeout.multipliedBy(2));
  }

  /** KAFKA_DELIVERY_TIMEOUT when set, otherwise {@link #derived} from what the cluster says. */
  static Future<Duration> resolve(
      Vertx vertx, KafkaSettings kafka, Duration sendTimeout, Optional<Duration> configured) {
    if (configured.isPresent()) {
      return Future.succeededFuture(configured.get());
    }
    return vertx.executeBlocking(
        () -> {
          Duration delivery = read(kafka, sendTimeout);
          LOG.info(
              "a request not acknowledged within KAFKA_SEND_TIMEOUT ({}) is answered 503"
                  + " outcome_unknown and keeps trying for up to {} in all",
              sendTimeout,
              delivery);
          return delivery;
        },
        false);
  }

  private static Duration read(KafkaSettings kafka, Duration sendTimeout) throws Exception {
    try (Admin admin =
        Admin.create(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.admin(kafka, "hookrun-gateway-cluster")))) {
      Collection<Node> nodes = admin.describeCluster().nodes().get(20, TimeUnit.SECONDS);
      if (nodes.size() <= 1) {
        return derived(sendTimeout, nodes.size(), KAFKA_SESSION_TIMEOUT);
      }
      return derived(sendTimeout, nodes.size(), sessionTimeout(admin, nodes));
    }
  }

  /** The largest session timeout any broker reports (they may differ while being changed). */
  private static Duration sessionTimeout(Admin admin, Collection<Node> nodes) {
    List<ConfigResource> brokers =
        nodes.stream()
            .map(n -> new ConfigResource(ConfigResource.Type.BROKER, n.idString()))
            .toList();
    try {
      return admin.describeConfigs(brokers).all().get(20, TimeUnit.SECONDS).values().stream()
          .map(DeliveryTimeout::sessionTimeout)
          .flatMap(Optional::stream)
          .max(Duration::compareTo)
          .orElse(KAFKA_SESSION_TIMEOUT);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.warn(
          "could not read {} from the brokers ({}); assuming Kafka's default, {}",
          SESSION_TIMEOUT,
          e.toString(),
          KAFKA_SESSION_TIMEOUT);
      return KAFKA_SESSION_TIMEOUT;
    }
  }

  private static Optional<Duration> sessionTimeout(Config config) {
    ConfigEntry entry = config.get(SESSION_TIMEOUT);
    if (entry == null || entry.value() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Duration.ofMillis(Long.parseLong(entry.value().trim())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
