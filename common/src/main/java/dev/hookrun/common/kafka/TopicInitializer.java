package dev.hookrun.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics a stage needs when they are missing, so a fresh cluster needs no manual step,
 * with the replication factor and {@code min.insync.replicas} of the settings. Existing topics are
 * left as they are (an operator may have tuned them), but one that is less durable than the
 * settings ask for is reported with a warning at start: see {@link #weaknesses}.
 */
public final class TopicInitializer {

  private static final Logger LOG = LoggerFactory.getLogger(TopicInitializer.class);

  private TopicInitializer() {}

  public static Future<Void> ensure(Vertx vertx, KafkaSettings kafka, List<TopicSpec> specs) {
    return vertx.executeBlocking(
        () -> {
          ensureBlocking(kafka, specs);
          return null;
        },
        false);
  }

  /**
   * Creates the missing topics and returns the warnings about existing ones that are weaker than
   * the settings (also logged).
   */
  public static List<String> ensureBlocking(KafkaSettings kafka, List<TopicSpec> specs)
      throws Exception {
    try (Admin admin =
        Admin.create(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.admin(kafka, "hookrun-topic-init")))) {
      Set<String> existing = admin.listTopics().names().get(20, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      List<TopicSpec> present = new ArrayList<>();
      for (TopicSpec spec : specs) {
        if (!existing.contains(spec.name())) {
          missing.add(
              new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor())
                  .configs(withMinInsyncReplicas(spec, kafka)));
        } else {
          present.add(spec);
        }
      }
      List<String> warnings = checkExisting(admin, kafka, present);
      for (var entry : admin.createTopics(missing).values().entrySet()) {
        try {
          entry.getValue().get(20, TimeUnit.SECONDS);
          LOG.info("created topic {}", entry.getKey());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e; // another stage creating it at the same moment is fine; anything else is not
          }
        }
      }
      return warnings;
    }
  }

  /**
   * The topic's own min ISR when it is created, unless its spec sets one. Never above the spec's
   * replication factor: a test topic created with replication 1 must stay writable.
   */
  static Map<String, String> withMinInsyncReplicas(TopicSpec spec, KafkaSettings kafka) {
    Map<String, String> configs = new HashMap<>(spec.configs());
    int minIsr = Math.min(kafka.minInsyncReplicas(), spec.replicationFactor());
    configs.putIfAbsent(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minIsr));
    return configs;
  }

  private static List<String> checkExisting(
      Admin admin, KafkaSettings kafka, List<TopicSpec> present) throws Exception {
    if (present.isEmpty()) {
      return List.of();
    }
    List<String> names = present.stream().map(TopicSpec::name).toList();
    Map<String, TopicDescription> descriptions =
        admin.describeTopics(names).allTopicNames().get(20, TimeUnit.SECONDS);
    List<ConfigResource> resources =
        names.stream().map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
    Map<ConfigResource, Config> configs =
        admin.describeConfigs(resources).all().get(20, TimeUnit.SECONDS);
    List<String> warnings = new ArrayList<>();
    for (TopicSpec spec : present) {
      TopicDescription description = descriptions.get(spec.name());
      int replication =
          description.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
      ConfigEntry minIsrEntry =
          configs
              .get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()))
              .get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
      int minIsr =
          minIsrEntry == null || minIsrEntry.value() == null
              ? 1
              : Integer.parseInt(minIsrEntry.value());
      warnings.addAll(weaknesses(spec.name(), replication, minIsr, kafka));
    }
    warnings.forEach(LOG::warn);
    return warnings;
  }

  /**
   * Why an existing topic is less durable than the settings ask. A warning, not a refusal: the
   * topic belongs to the cluster's operator, who can fix it live (kafka-configs for the min ISR, a
   * partition reassignment for the replication factor) without stopping the platform, and a stage
   * that refused to start would turn a durability risk into an outage it cannot repair itself —
   * every replica of every stage would crash-loop until someone changes the topic.
   */
  static List<String> weaknesses(String topic, int replication, int minIsr, KafkaSettings kafka) {
    List<String> out = new ArrayList<>();
    if (replication < kafka.replicationFactor()) {
      out.add(
          "topic "
              + topic
              + " exists with replication factor "
              + replication
              + ", below "
              + KafkaSettings.REPLICATION.name()
              + "="
              + kafka.replicationFactor()
              + ": losing a broker can lose accepted runs; increase it with a partition reassignment");
    }
    if (minIsr < kafka.minInsyncReplicas()) {
      out.add(
          "topic "
              + topic
              + " exists with min.insync.replicas="
              + minIsr
              + ", below "
              + KafkaSettings.MIN_INSYNC_REPLICAS.name()
              + "="
              + kafka.minInsyncReplicas()
              + ": a write acknowledged by fewer replicas can be lost with one broker; fix it with "
              + "kafka-configs --alter --entity-type topics --entity-name "
              + topic
              + " --add-config min.insync.replicas="
              + kafka.minInsyncReplicas());
    }
    return out;
  }
}
