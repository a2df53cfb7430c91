package dev.hookrun.ops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.kafka.TopicSpec;
import dev.hookrun.testkit.SharedTestBroker;
import io.vertx.core.json.JsonArray;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as an operator runs it: tables, --json, clear errors and exit codes. */
class OpsCliTest {

  private static final String PREFIX = "cli-" + UUID.randomUUID() + ".";

  record Run(int code, String out, String err) {}

  @BeforeAll
  static void topics() throws Exception {
    TopicInitializer.ensureBlocking(
        KafkaSettings.local(SharedTestBroker.bootstrapServers(), PREFIX),
        List.of(
            TopicSpec.of(PREFIX + "requests", 3, (short) 1),
            TopicSpec.of(PREFIX + "results", 2, (short) 1)));
  }

  private static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        OpsCli.run(
            args,
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Map<String, String> env() {
    return Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", SharedTestBroker.bootstrapServers(), "TOPIC_PREFIX", PREFIX);
  }

  @Test
  void topicsAsTableAndJson() {
    Run table = run(env(), "topics");
    assertEquals(0, table.code(), table.err());
    assertTrue(table.out().startsWith("TOPIC"), table.out());
    assertTrue(table.out().contains(PREFIX + "requests"), table.out());

    Run json = run(env(), "topics", "--json");
    assertEquals(0, json.code(), json.err());
    JsonArray topics = new JsonArray(json.out());
    assertEquals(2, topics.size());
    assertEquals(3, topics.getJsonObject(0).getInteger("partitions"));
  }

  @Test
  void unknownTopicFailsWithAClearMessage() {
    Run r = run(env(), "peek", "no-such-topic");
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith("ops: Unknown topic 'no-such-topic'"), r.err());
    assertTrue(r.err().contains("requests, results"), r.err());
  }

  @Test
  void unknownRunFails() {
    Run r = run(env(), "trace", "no-such-run");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("No record of run no-such-run"), r.err());
  }

  @Test
  void badUsageExitsWithTwo() {
    assertEquals(2, run(env(), "peek", "requests", "--offset", "3", "--from-end", "2").code());
    assertEquals(2, run(env(), "dlq", "replay").code());
    assertEquals(2, run(env(), "no-such-command").code());
  }

  @Test
  void unreachableBrokerFailsFast() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort(); // closed again: nothing listens there
    }
    long t0 = System.nanoTime();
    Run r =
        run(Map.of("TOPIC_PREFIX", PREFIX), "topics", "-b", "127.0.0.1:" + port, "--timeout", "2");
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    assertEquals(1, r.code());
    assertTrue(r.err().contains("did not answer within 2 s"), r.err());
    assertTrue(seconds < 10, "took " + seconds + " s");
  }

  @Test
  void findsTheLocalRunsBrokerThroughDataDir(@TempDir Path dataDir) throws IOException {
    Path kafkaDir = Files.createDirectories(dataDir.resolve("kafka"));
    Files.writeString(
        kafkaDir.resolve("server.properties"),
        "listeners=PLAINTEXT\\://"
            + SharedTestBroker.bootstrapServers()
            + ",CONTROLLER\\://127.0.0.1\\:1\n"
            + "advertised.listeners=PLAINTEXT\\://"
            + SharedTestBroker.bootstrapServers().replace(":", "\\:")
            + "\n");
    CliTarget target = CliTarget.resolve(Map.of("DATA_DIR", dataDir.toString()), null, PREFIX);
    assertEquals(SharedTestBroker.bootstrapServers(), target.kafka().bootstrapServers());
    Run r = run(Map.of("DATA_DIR", dataDir.toString(), "TOPIC_PREFIX", PREFIX), "groups");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("no consumer group"), r.out());
  }
}
