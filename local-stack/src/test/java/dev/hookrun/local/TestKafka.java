package dev.hookrun.local;

import dev.hookrun.testkit.SharedTestBroker;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The Kafka the end-to-end tests run on: the official {@code apache/kafka} image through
 * Testcontainers when a Docker engine is there, the in-process broker otherwise, so the suite runs
 * the same everywhere and on the real image wherever it can. {@code -Pdocker} (system property
 * {@code hookrun.kafka=docker}) insists on the image and fails without an engine; {@code
 * hookrun.kafka=embedded} skips the detection. The choice is printed once.
 */
final class TestKafka {

  static final String IMAGE = "apache/kafka:4.4.0";

  private static String bootstrapServers;

  private TestKafka() {}

  static synchronized String bootstrapServers() {
    if (bootstrapServers == null) {
      String wanted = System.getProperty("hookrun.kafka", "auto");
      boolean docker =
          switch (wanted) {
            case "docker" -> true;
            case "embedded" -> false;
            default -> dockerAvailable();
          };
      if (docker) {
        KafkaContainer kafka =
            new KafkaContainer(IMAGE)
                // consumers join at once instead of waiting 3 s for more members, as on the
                // in-process broker
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        kafka.start();
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop, "test-kafka-container-stop"));
        bootstrapServers = kafka.getBootstrapServers();
        System.out.println(
            "[hookrun] end-to-end tests on Kafka from Testcontainers: "
                + IMAGE
                + " at "
                + bootstrapServers);
      } else {
        bootstrapServers = SharedTestBroker.bootstrapServers();
        System.out.println(
            "[hookrun] end-to-end tests on the in-process Kafka broker at "
                + bootstrapServers
                + " (no Docker engine"
                + ("embedded".equals(wanted) ? " wanted" : " found")
                + "; -Pdocker runs them on "
                + IMAGE
                + ")");
      }
    }
    return bootstrapServers;
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }
}
