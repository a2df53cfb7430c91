package dev.hookrun.ops;

import dev.hookrun.ops.model.TopicInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;

/** {@code ops topics}: each platform topic's layout, cleanup settings and offsets. */
final class TopicInspector {

  private final KafkaAccess access;
  private final TopicCatalog catalog;

  TopicInspector(KafkaAccess access, TopicCatalog catalog) {
    this.access = access;
    this.catalog = catalog;
  }

  List<TopicInfo> topics(Admin admin) throws Exception {
    List<String> names =
        access.topicNames(admin).stream()
            .filter(catalog::isPlatformTopic)
            .sorted(catalog.pipelineOrder())
            .toList();
    Map<String, TopicDescription> descriptions = access.describe(admin, names);
    List<ConfigResource> resources =
        names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
    Map<ConfigResource, Config> configs =
        resources.isEmpty()
            ? Map.of()
            : access.get(
                admin
                    .describeConfigs(
                        resources, new DescribeConfigsOptions().timeoutMs(access.timeoutMs()))
                    .all());
    List<TopicPartition> partitions = new ArrayList<>();
    descriptions
        .values()
        .forEach(d -> partitions.addAll(KafkaAccess.partitionsOf(d.name(), d.partitions().size())));
    Map<TopicPartition, Long> start = access.offsets(admin, partitions, OffsetSpec.earliest());
    Map<TopicPartition, Long> end = access.offsets(admin, partitions, OffsetSpec.latest());

    List<TopicInfo> out = new ArrayList<>();
    for (String name : names) {
      TopicDescription d = descriptions.get(name);
      Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
      List<TopicInfo.PartitionRange> ranges =
          KafkaAccess.partitionsOf(name, d.partitions().size()).stream()
              .map(
                  p ->
                      new TopicInfo.PartitionRange(
                          p.partition(), start.getOrDefault(p, 0L), end.getOrDefault(p, 0L)))
              .toList();
      int replication = d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size();
      out.add(
          new TopicInfo(
              name,
              catalog.shortName(name),
              d.partitions().size(),
              replication,
              value(config, "cleanup.policy", "delete"),
              Long.parseLong(value(config, "retention.ms", "-1")),
              ranges));
    }
    return out;
  }

  private static String value(Config config, String key, String fallback) {
    ConfigEntry entry = config == null ? null : config.get(key);
    return entry == null || entry.value() == null ? fallback : entry.value();
  }
}
