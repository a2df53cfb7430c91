package dev.hookrun.ops;

import dev.hookrun.ops.model.GroupInfo;
import dev.hookrun.ops.model.GroupsReport;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ops groups}: every consumer group that reads platform topics (found by what it commits or
 * is assigned, so groups added later, such as retry tiers, show up without configuration), with its
 * members and per-partition lag.
 */
final class GroupInspector {

  private final KafkaAccess access;
  private final TopicCatalog catalog;

  GroupInspector(KafkaAccess access, TopicCatalog catalog) {
    this.access = access;
    this.catalog = catalog;
  }

  GroupsReport groups(Admin admin) throws Exception {
    Collection<GroupListing> listings =
        access.get(
            admin
                .listGroups(ListGroupsOptions.forConsumerGroups().timeoutMs(access.timeoutMs()))
                .all());
    List<String> ids = listings.stream().map(GroupListing::groupId).sorted().toList();
    if (ids.isEmpty()) {
      return new GroupsReport(List.of(), Map.of());
    }
    Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
    ids.forEach(id -> specs.put(id, new ListConsumerGroupOffsetsSpec()));
    Map<String, Map<TopicPartition, OffsetAndMetadata>> committed =
        access.get(
            admin
                .listConsumerGroupOffsets(
                    specs, new ListConsumerGroupOffsetsOptions().timeoutMs(access.timeoutMs()))
                .all());
    Map<String, ConsumerGroupDescription> descriptions =
        access.get(
            admin
                .describeConsumerGroups(
                    ids, new DescribeConsumerGroupsOptions().timeoutMs(access.timeoutMs()))
                .all());

    Map<String, Set<String>> topicsByGroup = new TreeMap<>();
    for (String id : ids) {
      Set<String> topics = new TreeSet<>(catalog.pipelineOrder());
      committed.getOrDefault(id, Map.of()).keySet().forEach(p -> topics.add(p.topic()));
      ConsumerGroupDescription d = descriptions.get(id);
      if (d != null) {
        d.members()
            .forEach(m -> m.assignment().topicPartitions().forEach(p -> topics.add(p.topic())));
      }
      topics.removeIf(t -> !catalog.isPlatformTopic(t));
      if (!topics.isEmpty()) {
        topicsByGroup.put(id, topics);
      }
    }
    Set<String> allTopics =
        topicsByGroup.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
    Map<String, TopicDescription> layouts = access.describe(admin, existing(admin, allTopics));
    List<TopicPartition> partitions = new ArrayList<>();
    layouts
        .values()
        .forEach(t -> partitions.addAll(KafkaAccess.partitionsOf(t.name(), t.partitions().size())));
    Map<TopicPartition, Long> start = access.offsets(admin, partitions, OffsetSpec.earliest());
    Map<TopicPartition, Long> end = access.offsets(admin, partitions, OffsetSpec.latest());

    List<GroupInfo> groups = new ArrayList<>();
    Map<String, Long> lagByStage = new TreeMap<>();
    topicsByGroup.forEach(
        (id, topics) -> {
          ConsumerGroupDescription d = descriptions.get(id);
          Map<TopicPartition, MemberDescription> owners = new HashMap<>();
          List<GroupInfo.Member> members = new ArrayList<>();
          if (d != null) {
            for (MemberDescription m : d.members()) {
              m.assignment().topicPartitions().forEach(p -> owners.put(p, m));
              members.add(
                  new GroupInfo.Member(
                      m.consumerId(),
                      m.clientId(),
                      m.host(),
                      m.assignment().topicPartitions().stream()
                          .sorted(
                              java.util.Comparator.comparing(TopicPartition::topic)
                                  .thenComparingInt(TopicPartition::partition))
                          .map(p -> catalog.shortName(p.topic()) + "/" + p.partition())
                          .toList()));
            }
          }
          List<GroupInfo.PartitionLag> rows = new ArrayList<>();
          Set<String> stages = new LinkedHashSet<>();
          for (String topic : topics) {
            TopicDescription layout = layouts.get(topic);
            if (layout == null) {
              continue; // deleted since the group committed to it
            }
            stages.add(catalog.stageOf(topic));
            for (TopicPartition p : KafkaAccess.partitionsOf(topic, layout.partitions().size())) {
              OffsetAndMetadata offset = committed.getOrDefault(id, Map.of()).get(p);
              Long committedOffset = offset == null ? null : offset.offset();
              long endOffset = end.getOrDefault(p, 0L);
              long lag =
                  Math.max(
                      0,
                      endOffset
                          - (committedOffset != null
                              ? committedOffset
                              : start.getOrDefault(p, 0L)));
              MemberDescription owner = owners.get(p);
              rows.add(
                  new GroupInfo.PartitionLag(
                      catalog.shortName(topic),
                      p.partition(),
                      committedOffset,
                      endOffset,
                      lag,
                      owner == null ? null : owner.consumerId(),
                      owner == null ? null : owner.host(),
                      owner == null ? null : owner.clientId()));
              lagByStage.merge(catalog.stageOf(topic), lag, Long::sum);
            }
          }
          String state = d == null ? "Unknown" : String.valueOf(d.groupState());
          groups.add(new GroupInfo(id, String.join("+", stages), state, members, rows));
        });
    return new GroupsReport(groups, lagByStage);
  }

  private List<String> existing(Admin admin, Set<String> topics) throws Exception {
    Set<String> names = access.topicNames(admin);
    return topics.stream().filter(names::contains).toList();
  }
}
