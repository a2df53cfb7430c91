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
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ops groups}: every consumer group that reads platform topics (found by what it commits or
 * is assigned, so groups added later, such as retry tiers, show up without configuration), with its
 * members and per-partition lag; and every share group (the workers), with its members and, per
 * partition, the share-partition start offset (below it every record is settled; the group's
 * persisted state, which may trail the acknowledgements) and, as the broker counts it, the records
 * not yet settled.
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
    List<GroupInfo> groups = new ArrayList<>();
    Map<String, Long> lagByStage = new TreeMap<>();
    if (!ids.isEmpty()) {
      consumerGroups(admin, ids, groups, lagByStage);
    }
    groups.addAll(shareGroups(admin, lagByStage));
    return new GroupsReport(groups, lagByStage);
  }

  private void consumerGroups(
      Admin admin, List<String> ids, List<GroupInfo> groups, Map<String, Long> lagByStage)
      throws Exception {
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
  }

  private List<GroupInfo> shareGroups(Admin admin, Map<String, Long> lagByStage) throws Exception {
    List<String> ids =
        access
            .get(
                admin
                    .listGroups(ListGroupsOptions.forShareGroups().timeoutMs(access.timeoutMs()))
                    .all())
            .stream()
            .map(GroupListing::groupId)
            .sorted()
            .toList();
    if (ids.isEmpty()) {
      return List.of();
    }
    Map<String, ListShareGroupOffsetsSpec> specs = new HashMap<>();
    ids.forEach(id -> specs.put(id, new ListShareGroupOffsetsSpec()));
    Map<String, Map<TopicPartition, SharePartitionOffsetInfo>> offsets =
        access.get(admin.listShareGroupOffsets(specs).all());
    Map<String, ShareGroupDescription> descriptions =
        access.get(admin.describeShareGroups(ids).all());
    List<GroupInfo> out = new ArrayList<>();
    for (String id : ids) {
      Map<TopicPartition, SharePartitionOffsetInfo> started =
          offsets.getOrDefault(id, Map.of()).entrySet().stream()
              .filter(e -> e.getValue() != null && catalog.isPlatformTopic(e.getKey().topic()))
              .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
      ShareGroupDescription d = descriptions.get(id);
      List<GroupInfo.Member> members = new ArrayList<>();
      // before the group has settled a record it has no start offsets: its members' assignments
      // still say whose group it is, so an idle worker fleet is not shown as no workers at all
      Set<String> assignedStages = new LinkedHashSet<>();
      if (d != null) {
        for (ShareMemberDescription m : d.members()) {
          m.assignment().topicPartitions().stream()
              .filter(p -> catalog.isPlatformTopic(p.topic()))
              .forEach(p -> assignedStages.add(catalog.stageOf(p.topic())));
          members.add(
              new GroupInfo.Member(
                  m.consumerId(),
                  m.clientId(),
                  m.host(),
                  m.assignment().topicPartitions().stream()
                      .map(p -> catalog.shortName(p.topic()) + "/" + p.partition())
                      .sorted()
                      .toList()));
        }
      }
      if (started.isEmpty() && members.isEmpty()) {
        continue; // a share group of some other application
      }
      Map<TopicPartition, Long> end =
          access.offsets(admin, List.copyOf(started.keySet()), OffsetSpec.latest());
      List<GroupInfo.PartitionLag> rows = new ArrayList<>();
      Set<String> stages = new LinkedHashSet<>();
      started.entrySet().stream()
          .sorted(
              java.util.Comparator.comparing((Map.Entry<TopicPartition, ?> e) -> e.getKey().topic())
                  .thenComparingInt(e -> e.getKey().partition()))
          .forEach(
              e -> {
                TopicPartition p = e.getKey();
                long endOffset = end.getOrDefault(p, 0L);
                long start = e.getValue().startOffset();
                long lag = e.getValue().lag().orElse(Math.max(0, endOffset - start));
                stages.add(catalog.stageOf(p.topic()));
                rows.add(
                    new GroupInfo.PartitionLag(
                        catalog.shortName(p.topic()),
                        p.partition(),
                        start,
                        endOffset,
                        lag,
                        null,
                        null,
                        null));
                lagByStage.merge(catalog.stageOf(p.topic()), lag, Long::sum);
              });
      stages.addAll(assignedStages);
      String state = d == null ? "Unknown" : "share " + d.groupState();
      out.add(new GroupInfo(id, String.join("+", stages), state, members, rows));
    }
    return out;
  }

  private List<String> existing(Admin admin, Set<String> topics) throws Exception {
    Set<String> names = access.topicNames(admin);
    return topics.stream().filter(names::contains).toList();
  }
}
