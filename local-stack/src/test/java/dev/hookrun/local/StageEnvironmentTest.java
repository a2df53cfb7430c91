package dev.hookrun.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hookrun.common.config.Env;
import dev.hookrun.common.kafka.KafkaSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The topics a local run creates: on a broker of its own, partitions sized to the machine (every
 * reader's fetch walks all of them on the stages' own cores); on a cluster it was pointed at, the
 * services' defaults, as for any stage.
 */
class StageEnvironmentTest {

  private static final int CORES = Runtime.getRuntime().availableProcessors();

  @Test
  void onItsOwnBrokerEveryStageCreatesTopicsWithTwoPartitionsPerCore() {
    int expected = LocalStackConfig.ownBrokerPartitions(CORES);
    assertEveryStageCreates(of(Map.of(), "127.0.0.1:9092"), expected, expected);
  }

  @Test
  void partitionsTheRunWasGivenWin() {
    assertEveryStageCreates(
        of(Map.of("REQUESTS_PARTITIONS", "6", "TOPIC_PARTITIONS", "3"), "127.0.0.1:9092"), 6, 3);
  }

  @Test
  void onAClusterItWasPointedAtTheServicesDefaultsHold() {
    assertEveryStageCreates(of(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092"), null), 12, 12);
  }

  @Test
  void twoPerCoreFromTwoUpToTheServicesDefault() {
    assertEquals(2, LocalStackConfig.ownBrokerPartitions(1));
    assertEquals(4, LocalStackConfig.ownBrokerPartitions(2));
    assertEquals(8, LocalStackConfig.ownBrokerPartitions(4));
    assertEquals(12, LocalStackConfig.ownBrokerPartitions(6));
    assertEquals(12, LocalStackConfig.ownBrokerPartitions(64));
  }

  private static StageEnvironment of(Map<String, String> env, String ownBroker) {
    return StageEnvironment.of(env, LocalStackConfig.fromEnv(env), ownBroker);
  }

  /** What the gateway, the worker and the dispatcher each read as their topics' partitions. */
  private static void assertEveryStageCreates(
      StageEnvironment stages, int requestsPartitions, int otherPartitions) {
    for (Map<String, String> stage :
        List.of(stages.gateway(), stages.backend(), stages.dispatcher())) {
      KafkaSettings kafka = Env.read(stage, KafkaSettings::fromEnv);
      assertEquals(requestsPartitions, kafka.requestsPartitions());
      assertEquals(otherPartitions, kafka.partitions());
    }
  }
}
