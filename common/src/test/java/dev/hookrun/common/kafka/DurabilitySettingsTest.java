package dev.hookrun.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.config.ConfigException;
import dev.hookrun.common.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings that decide whether an accepted run survives the loss of a broker. */
class DurabilitySettingsTest {

  @TempDir Path dir;

  private KafkaSettings withClientFile(String content, Map<String, String> more) throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, content);
    var vars = new java.util.HashMap<>(more);
    vars.put("KAFKA_CLIENT_CONFIG_FILE", file.toString());
    return Env.read(vars, KafkaSettings::fromEnv);
  }

  @Test
  void aClientFileThatWeakensAcksOrIdempotenceIsRefusedAtStart() {
    ConfigException acks =
        assertThrows(
            ConfigException.class,
            () -> withClientFile("security.protocol=SSL\nacks=1\n", Map.of()));
    assertTrue(acks.getMessage().contains("acks=1"), acks.getMessage());
    ConfigException zero =
        assertThrows(ConfigException.class, () -> withClientFile("acks=0\n", Map.of()));
    assertTrue(zero.getMessage().contains("acks=0"), zero.getMessage());
    ConfigException idem =
        assertThrows(
            ConfigException.class, () -> withClientFile("enable.idempotence=false\n", Map.of()));
    assertTrue(idem.getMessage().contains("enable.idempotence=false"), idem.getMessage());
  }

  @Test
  void aClientFileForTlsOrThatRepeatsTheDurableValuesIsAccepted() throws Exception {
    KafkaSettings settings =
        withClientFile(
            "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nacks=all\nenable.idempotence=true\n",
            Map.of());
    assertEquals(
        "SASL_SSL",
        KafkaClientProperties.producer(settings, "c", java.time.Duration.ofSeconds(5))
            .get("security.protocol"));
    withClientFile("acks=-1\n", Map.of());
  }

  @Test
  void minInsyncReplicasDefaultsToOneAndMayNotExceedTheReplicationFactor() {
    Env defaults = Env.of(Map.of());
    assertEquals(1, KafkaSettings.fromEnv(defaults).minInsyncReplicas());
    Env production =
        Env.of(Map.of("TOPIC_REPLICATION_FACTOR", "3", "TOPIC_MIN_INSYNC_REPLICAS", "2"));
    assertEquals(2, KafkaSettings.fromEnv(production).minInsyncReplicas());
    production.check();
    Env impossible =
        Env.of(Map.of("TOPIC_REPLICATION_FACTOR", "1", "TOPIC_MIN_INSYNC_REPLICAS", "2"));
    KafkaSettings.fromEnv(impossible);
    ConfigException e = assertThrows(ConfigException.class, impossible::check);
    assertTrue(e.getMessage().contains("TOPIC_MIN_INSYNC_REPLICAS=2"), e.getMessage());
  }

  @Test
  void createdTopicsGetTheMinInsyncReplicasButNeverAboveTheirReplication() {
    KafkaSettings cluster = KafkaSettings.local("x:9092", "t.").withReplication(3, 2);
    TopicSpec requests = PlatformTopics.requests(cluster);
    assertEquals(
        "2", TopicInitializer.withMinInsyncReplicas(requests, cluster).get("min.insync.replicas"));
    TopicSpec single = TopicSpec.of("t.one", 1, (short) 1);
    assertEquals(
        "1", TopicInitializer.withMinInsyncReplicas(single, cluster).get("min.insync.replicas"));
  }

  @Test
  void existingTopicsWeakerThanTheSettingsAreNamedWithTheFix() {
    KafkaSettings cluster = KafkaSettings.local("x:9092", "t.").withReplication(3, 2);
    var warnings = TopicInitializer.weaknesses("t.requests", 1, 1, cluster);
    assertEquals(2, warnings.size());
    assertTrue(
        warnings.get(0).contains("replication factor 1")
            && warnings.get(0).contains("TOPIC_REPLICATION_FACTOR=3"));
    assertTrue(
        warnings.get(1).contains("min.insync.replicas=1")
            && warnings.get(1).contains("--add-config min.insync.replicas=2"));
    assertTrue(TopicInitializer.weaknesses("t.requests", 3, 2, cluster).isEmpty());
  }
}
