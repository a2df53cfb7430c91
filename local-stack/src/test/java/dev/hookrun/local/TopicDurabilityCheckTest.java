package dev.hookrun.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.kafka.PlatformTopics;
import dev.hookrun.common.kafka.TopicInitializer;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A stage that finds its topics less durable than its settings ask says so at start, naming the
 * topic and the fix, and starts anyway (the check runs against a real broker).
 */
class TopicDurabilityCheckTest {

  @Test
  void existingTopicsWeakerThanTheSettingsAreReportedAndLeftAsTheyAre() throws Exception {
    KafkaSettings single =
        KafkaSettings.local(TestKafka.bootstrapServers(), "dur-" + UUID.randomUUID() + ".");
    assertEquals(
        List.of(),
        TopicInitializer.ensureBlocking(single, List.of(PlatformTopics.requests(single))),
        "created as the settings ask: nothing to report");
    assertEquals(
        List.of(),
        TopicInitializer.ensureBlocking(single, List.of(PlatformTopics.requests(single))));

    // the same topic seen by a stage configured for a three-broker cluster
    KafkaSettings production = single.withReplication(3, 2);
    List<String> warnings =
        TopicInitializer.ensureBlocking(production, List.of(PlatformTopics.requests(production)));
    assertEquals(2, warnings.size(), warnings.toString());
    assertTrue(
        warnings.get(0).contains(single.topics().requests())
            && warnings.get(0).contains("replication factor 1"));
    assertTrue(
        warnings.get(1).contains("min.insync.replicas=1")
            && warnings.get(1).contains("--add-config min.insync.replicas=2"),
        warnings.get(1));
  }
}
