package dev.hookrun.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hookrun.common.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every produce on a run's way to its webhook (the request, the worker's outcome) leaves at once: a
 * linger there is added to every run's latency at a moderate load (docs/PERFORMANCE.md). A producer
 * no run waits for (the dispatcher's) lingers as long as its stage asks.
 */
class ProducerLingerTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @TempDir Path dir;

  @Test
  void producersOnARunsPathDoNotLinger() {
    KafkaSettings defaults = KafkaSettings.fromEnv(Env.of(Map.of()));
    assertEquals("0", KafkaClientProperties.producer(defaults, "g", TIMEOUT).get("linger.ms"));
    assertEquals(
        "0",
        KafkaClientProperties.eventLoopProducer(defaults, "w", TIMEOUT, Duration.ZERO)
            .get("linger.ms"));
  }

  @Test
  void aProducerOffTheRunsPathLingersAsAsked() {
    KafkaSettings defaults = KafkaSettings.fromEnv(Env.of(Map.of()));
    assertEquals(
        "5",
        KafkaClientProperties.eventLoopProducer(defaults, "d", TIMEOUT, Duration.ofMillis(5))
            .get("linger.ms"));
  }

  @Test
  void anOperatorsLingerWins() throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, "linger.ms=5\n");
    KafkaSettings tuned =
        KafkaSettings.fromEnv(Env.of(Map.of("KAFKA_CLIENT_CONFIG_FILE", file.toString())));
    assertEquals("5", KafkaClientProperties.producer(tuned, "g", TIMEOUT).get("linger.ms"));
    assertEquals(
        "5",
        KafkaClientProperties.eventLoopProducer(tuned, "w", TIMEOUT, Duration.ZERO)
            .get("linger.ms"));
  }
}
