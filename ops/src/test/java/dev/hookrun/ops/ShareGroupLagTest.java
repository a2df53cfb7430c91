package dev.hookrun.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.ShareGroupSettings;
import dev.hookrun.ops.model.GroupInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.junit.jupiter.api.Test;

/**
 * {@code ops groups} shows the workers' share group: its members, and per partition the
 * share-partition start offset and the records after it not yet settled.
 */
class ShareGroupLagTest {

  @Test
  void theWorkersShareGroupShowsItsMembersAndTheRunsNotYetSettled() throws Exception {
    try (TestTopics t = new TestTopics("share").create(Map.of("work", 1))) {
      for (int i = 0; i < 5; i++) {
        t.send("work", 0, null, "run-" + i, "{}", Map.of());
      }
      String group = "workers-" + UUID.randomUUID();
      ShareGroupSettings.apply(t.kafka, group, Map.of("share.auto.offset.reset", "earliest"));
      try (KafkaShareConsumer<String, String> member =
          new KafkaShareConsumer<>(
              KafkaClientProperties.asObjects(
                  KafkaClientProperties.shareConsumer(t.kafka, group, "share-test-member", 2)))) {
        member.subscribe(List.of(t.topic("work")));
        List<ConsumerRecord<String, String>> taken = new ArrayList<>();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  member.poll(Duration.ofMillis(100)).forEach(taken::add);
                  return !taken.isEmpty();
                });
        taken.forEach(r -> member.acknowledge(r, AcknowledgeType.ACCEPT));
        member.commitSync();
        int settled = taken.size();

        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  GroupInfo info =
                      OpsService.create(t.kafka).groups().groups().stream()
                          .filter(g -> g.groupId().equals(group))
                          .findFirst()
                          .orElseThrow();
                  assertEquals("worker", info.stage());
                  assertEquals(1, info.members().size());
                  assertEquals("share-test-member", info.members().get(0).clientId());
                  assertEquals(List.of("work/0"), info.members().get(0).assigned());
                  GroupInfo.PartitionLag row = info.partitions().get(0);
                  assertEquals(5, row.end());
                  // the start offset is the group's persisted state, which may trail the acks
                  assertTrue(row.committed() <= settled, "start offset " + row.committed());
                  assertEquals(5 - settled, row.lag(), "the records not settled yet");
                });
      }
    }
  }

  @Test
  void anIdleWorkersShareGroupIsStillTheWorkers() throws Exception {
    try (TestTopics t = new TestTopics("share-idle").create(Map.of("work", 1))) {
      String group = "workers-" + UUID.randomUUID();
      ShareGroupSettings.apply(t.kafka, group, Map.of("share.auto.offset.reset", "earliest"));
      try (KafkaShareConsumer<String, String> member =
          new KafkaShareConsumer<>(
              KafkaClientProperties.asObjects(
                  KafkaClientProperties.shareConsumer(t.kafka, group, "idle-member", 2)))) {
        member.subscribe(List.of(t.topic("work")));
        // nothing was ever released: the group has members but has settled no record
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  member.poll(Duration.ofMillis(100));
                  GroupInfo info =
                      OpsService.create(t.kafka).groups().groups().stream()
                          .filter(g -> g.groupId().equals(group))
                          .findFirst()
                          .orElseThrow();
                  assertEquals("worker", info.stage(), "an idle fleet is still the workers");
                  assertEquals(1, info.members().size());
                });
      }
    }
  }
}
