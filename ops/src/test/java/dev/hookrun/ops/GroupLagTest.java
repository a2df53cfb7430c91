package dev.hookrun.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.ops.model.GroupInfo;
import dev.hookrun.ops.model.GroupsReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** {@code ops groups}: lag is end offset minus committed offset, per partition and per stage. */
class GroupLagTest {

  @Test
  void lagIsEndMinusCommittedForAGroupWithAKnownBacklog() throws Exception {
    try (TestTopics t = new TestTopics("lag").create(Map.of("requests", 3, "results", 2))) {
      int[] produced = {7, 4, 5};
      for (int p = 0; p < produced.length; p++) {
        for (int i = 0; i < produced[p]; i++) {
          t.send("requests", p, null, "run-" + p + "-" + i, "{}", Map.of());
        }
      }
      t.send("results", 0, null, "other", "{}", Map.of()); // read by no group: not in the report
      String group = "workers-" + UUID.randomUUID();
      String topic = t.topic("requests");
      try (KafkaConsumer<String, String> member =
          new KafkaConsumer<>(
              KafkaClientProperties.asObjects(
                  KafkaClientProperties.consumer(
                      t.kafka, group, "lag-test-member", Duration.ofMinutes(1), 10)))) {
        member.subscribe(List.of(topic));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  member.poll(Duration.ofMillis(100));
                  return member.assignment().size() == 3;
                });
        // committed: 2 of 7 on partition 0, all 4 on partition 1, nothing on partition 2
        member.commitSync(
            Map.of(
                new TopicPartition(topic, 0), new OffsetAndMetadata(2),
                new TopicPartition(topic, 1), new OffsetAndMetadata(4)));

        GroupsReport report = OpsService.create(t.kafka).groups();

        assertEquals(
            1, report.groups().size(), () -> "groups: " + report.toJson().encodePrettily());
        GroupInfo info = report.groups().get(0);
        assertEquals(group, info.groupId());
        assertEquals("scheduler", info.stage());
        assertEquals("Stable", info.state());
        assertEquals(1, info.members().size());
        assertEquals("lag-test-member", info.members().get(0).clientId());
        assertEquals(
            List.of("requests/0", "requests/1", "requests/2"), info.members().get(0).assigned());
        assertEquals(3, info.partitions().size());
        for (GroupInfo.PartitionLag row : info.partitions()) {
          assertEquals(produced[row.partition()], row.end());
          assertEquals("lag-test-member", row.clientId());
          if (row.committed() != null) {
            assertEquals(
                row.end() - row.committed(), row.lag(), "lag of partition " + row.partition());
          }
        }
        assertEquals(2L, info.partitions().get(0).committed());
        assertEquals(5, info.partitions().get(0).lag());
        assertEquals(0, info.partitions().get(1).lag());
        // nothing committed: the group starts at the beginning, so all 5 records are its backlog
        assertNull(info.partitions().get(2).committed());
        assertEquals(5, info.partitions().get(2).lag());
        assertEquals(10, info.totalLag());
        assertEquals(Map.of("scheduler", 10L), report.lagByStage());
      }
      // after the member leaves, the committed offsets (and so the lag) stay
      GroupInfo after = OpsService.create(t.kafka).groups().groups().get(0);
      assertTrue(after.members().isEmpty());
      assertEquals("Empty", after.state());
      assertEquals(10, after.totalLag());
    }
  }
}
