package dev.hookrun.ops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.delivery.DeadLetterHeaders;
import dev.hookrun.common.delivery.EndpointState;
import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.kafka.PlatformTopics;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.kafka.TopicSpec;
import dev.hookrun.common.run.RunRequest;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunStatus;
import dev.hookrun.testkit.SharedTestBroker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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

  /**
   * A platform of its own with the dispatcher's topics, for the endpoint and dead-letter commands.
   */
  private static KafkaSettings dispatcherTopics() throws Exception {
    KafkaSettings kafka =
        KafkaSettings.local(SharedTestBroker.bootstrapServers(), "cli-" + UUID.randomUUID() + ".");
    TopicInitializer.ensureBlocking(
        kafka,
        List.of(
            PlatformTopics.deadLetters(kafka),
            PlatformTopics.retryTier(kafka, 1),
            PlatformTopics.endpoints(kafka)));
    return kafka;
  }

  private static Map<String, String> env(KafkaSettings kafka) {
    return Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "TOPIC_PREFIX", kafka.topicPrefix());
  }

  private static void send(KafkaSettings kafka, ProducerRecord<String, String> record)
      throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.producer(kafka, "test-producer", Duration.ofSeconds(10))))) {
      producer.send(record).get(10, TimeUnit.SECONDS);
    }
  }

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  /** A dead letter as the dispatcher writes it, dead-lettered at {@code at}. */
  private static String deadLetter(KafkaSettings kafka, String project, Instant at)
      throws Exception {
    String runId = UUID.randomUUID().toString();
    RunRequest request =
        new RunRequest(
            runId,
            project,
            "webhook-delay-example",
            new JsonObject(),
            "http://127.0.0.1:9/h",
            T0,
            null);
    RunResult result =
        RunResult.of(request, RunStatus.SUCCEEDED, new JsonObject(), null, T0, T0, "w1");
    String value =
        new JsonObject()
            .put("result", result.toJson())
            .put("retry", 1)
            .put("attempts", 1)
            .put("due_at", T0.toString())
            .encode();
    ProducerRecord<String, String> record =
        new ProducerRecord<>(kafka.topics().deadLetters(), null, at.toEpochMilli(), runId, value);
    record.headers().add(DeadLetterHeaders.REASON, "exhausted".getBytes(StandardCharsets.UTF_8));
    send(kafka, record);
    return runId;
  }

  @Test
  void endpointsListsHealthAndEnablesADisabledOne() throws Exception {
    KafkaSettings kafka = dispatcherTopics();
    String down = "http://127.0.0.1:9/down";
    String up = "http://127.0.0.1:9/up";
    send(
        kafka,
        new ProducerRecord<>(
            kafka.topics().endpoints(),
            down,
            EndpointState.fresh(down, "p1")
                .attempted("p1", false, T0)
                .disable(T0)
                .writtenBy("dispatcher-1-test", T0)
                .toJson()
                .encode()));
    send(
        kafka,
        new ProducerRecord<>(
            kafka.topics().endpoints(),
            up,
            EndpointState.fresh(up, "p2")
                .attempted("p2", true, T0)
                .attempted("p2", false, T0.plusSeconds(1))
                .withLatencyP95(42L)
                .writtenBy("dispatcher-1-test", T0)
                .toJson()
                .encode()));

    Run table = run(env(kafka), "endpoints");
    assertEquals(0, table.code(), table.err());
    assertTrue(table.out().startsWith("ENDPOINT"), table.out());
    List<String> lines = table.out().lines().toList();
    assertTrue(lines.get(1).startsWith(down) && lines.get(1).contains("disabled"), table.out());
    assertTrue(lines.get(2).startsWith(up) && lines.get(2).contains("50.0%"), table.out());
    assertTrue(lines.get(2).contains("42"), table.out());

    Run disabled = run(env(kafka), "endpoints", "--disabled", "--json");
    assertEquals(0, disabled.code(), disabled.err());
    JsonObject json = new JsonObject(disabled.out());
    assertEquals(1, json.getInteger("count"));
    assertEquals(down, json.getJsonArray("endpoints").getJsonObject(0).getString("endpoint"));
    Run ofP2 = run(env(kafka), "endpoints", "--project", "p2", "--json");
    assertEquals(
        up,
        new JsonObject(ofP2.out())
            .getJsonArray("endpoints")
            .getJsonObject(0)
            .getString("endpoint"));

    Run enabled = run(env(kafka), "endpoints", "enable", down);
    assertEquals(0, enabled.code(), enabled.err());
    assertEquals("enabled " + down, enabled.out().trim());
    assertTrue(run(env(kafka), "endpoints", "--disabled").out().contains("no endpoints"));

    Run again = run(env(kafka), "endpoints", "enable", down);
    assertEquals(1, again.code());
    assertTrue(again.err().startsWith("ops: No disabled endpoint " + down), again.err());
    assertEquals(2, run(env(kafka), "endpoints", "enable").code(), "the endpoint is required");
  }

  @Test
  void dlqReplaySinceReplaysOnlyTheLaterDeadLetters() throws Exception {
    KafkaSettings kafka = dispatcherTopics();
    String early = deadLetter(kafka, "p1", T0.minusSeconds(3_600));
    String late = deadLetter(kafka, "p1", T0.plusSeconds(60));
    String later = deadLetter(kafka, "p2", T0.plusSeconds(120));

    Run replayed = run(env(kafka), "dlq", "replay", "--since", T0.toString(), "--project", "p1");
    assertEquals(0, replayed.code(), replayed.err());
    assertTrue(replayed.out().contains(late), replayed.out());
    assertTrue(replayed.out().contains("1 run(s) put back into webhook delivery"), replayed.out());

    Run json = run(env(kafka), "dlq", "list", "--json");
    List<String> left =
        new JsonObject(json.out())
            .getJsonArray("dead_letters").stream()
                .map(d -> ((JsonObject) d).getString("run_id"))
                .sorted()
                .toList();
    assertEquals(List.of(early, later).stream().sorted().toList(), left);

    Run bad = run(env(kafka), "dlq", "replay", "--since", "yesterday");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--since"), bad.err());
    Run both = run(env(kafka), "dlq", "replay", late, "--since", T0.toString());
    assertEquals(2, both.code(), "a run id and filters together are refused");
  }

  @Test
  void dlqPurgeDropsTheNamedOrMatchingDeadLetters() throws Exception {
    KafkaSettings kafka = dispatcherTopics();
    String a = deadLetter(kafka, "p1", T0);
    String b = deadLetter(kafka, "p1", T0.plusSeconds(60));
    deadLetter(kafka, "p2", T0.plusSeconds(60));

    Run named = run(env(kafka), "dlq", "purge", a);
    assertEquals(0, named.code(), named.err());
    assertTrue(named.out().contains("1 dead letter(s) purged"), named.out());

    Run filtered = run(env(kafka), "dlq", "purge", "--project", "p2", "--json");
    assertEquals(0, filtered.code(), filtered.err());
    assertEquals(1, new JsonObject(filtered.out()).getInteger("purged"));

    Run left = run(env(kafka), "dlq", "list", "--json");
    assertEquals(
        List.of(b),
        new JsonObject(left.out())
            .getJsonArray("dead_letters").stream()
                .map(d -> ((JsonObject) d).getString("run_id"))
                .toList());
    assertEquals(2, run(env(kafka), "dlq", "purge").code(), "nothing named purges nothing");
    assertEquals(2, run(env(kafka), "dlq", "purge", b, "--all").code());
  }
}
