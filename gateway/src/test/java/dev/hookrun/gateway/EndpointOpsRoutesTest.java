package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.delivery.DeadLetterHeaders;
import dev.hookrun.common.delivery.EndpointState;
import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.kafka.PlatformTopics;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.run.RunRequest;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunStatus;
import dev.hookrun.testkit.SharedTestBroker;
import dev.hookrun.testkit.TestEnv;
import dev.hookrun.testkit.TestHttp;
import dev.hookrun.testkit.TopicReader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The endpoint-health and dead-letter routes as an operator calls them on the gateway's admin
 * listener: {@code GET /ops/endpoints} with its filters, {@code POST /ops/endpoints/enable} and the
 * filtered {@code POST /ops/dead-letters/replay} and {@code POST /ops/dead-letters/purge}, over
 * records the dispatcher would have written.
 */
class EndpointOpsRoutesTest {

  private static final String ADMIN_KEY = "admin-key-" + UUID.randomUUID();
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final String DOWN = "http://127.0.0.1:9/down";
  private static final String UP = "http://127.0.0.1:9/up";

  private Vertx vertx;
  private KafkaSettings kafka;
  private KafkaProducer<String, String> producer;
  private TestHttp admin;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    String prefix = "endpoint-ops-" + UUID.randomUUID() + ".";
    kafka = KafkaSettings.local(SharedTestBroker.bootstrapServers(), prefix);
    TopicInitializer.ensureBlocking(
        kafka,
        List.of(
            PlatformTopics.deadLetters(kafka),
            PlatformTopics.retryTier(kafka, 1),
            PlatformTopics.endpoints(kafka)));
    producer =
        new KafkaProducer<>(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.producer(kafka, "test-producer", Duration.ofSeconds(10))));
    GatewayVerticle gateway =
        new GatewayVerticle(
            GatewayConfig.fromEnv(
                TestEnv.gateway(
                    SharedTestBroker.bootstrapServers(),
                    prefix,
                    "k=p-1",
                    Map.of("ADMIN_KEY", ADMIN_KEY, "OPS_LAG_SAMPLE_INTERVAL", "0s"))));
    vertx.deployVerticle(gateway).await();
    admin = new TestHttp(gateway.adminPort(), ADMIN_KEY);
  }

  @AfterEach
  void stop() {
    producer.close(Duration.ofSeconds(5));
    vertx.close().await();
  }

  private void send(String topic, Long timestamp, String key, String value, String reason)
      throws Exception {
    ProducerRecord<String, String> record =
        new ProducerRecord<>(topic, null, timestamp, key, value);
    if (reason != null) {
      record.headers().add(DeadLetterHeaders.REASON, reason.getBytes(StandardCharsets.UTF_8));
    }
    producer.send(record).get(10, TimeUnit.SECONDS);
  }

  private void endpoints() throws Exception {
    EndpointState failing =
        EndpointState.fresh(DOWN, "p1")
            .attempted("p1", false, T0)
            .attempted("p1", false, T0.plusSeconds(10))
            .disable(T0.plusSeconds(10))
            .writtenBy("dispatcher-1-test", T0.plusSeconds(10));
    EndpointState healthy =
        EndpointState.fresh(UP, "p2")
            .attempted("p2", true, T0)
            .withLatencyP95(42L)
            .writtenBy("dispatcher-1-test", T0);
    send(kafka.topics().endpoints(), null, DOWN, failing.toJson().encode(), null);
    send(kafka.topics().endpoints(), null, UP, healthy.toJson().encode(), null);
  }

  /** A dead letter as the dispatcher writes it: the delivery record, the reason in a header. */
  private String deadLetter(String project, String endpoint, String reason, Instant at)
      throws Exception {
    String runId = UUID.randomUUID().toString();
    RunRequest request =
        new RunRequest(
            runId, project, "webhook-delay-example", new JsonObject(), endpoint, T0, null);
    RunResult result =
        RunResult.of(request, RunStatus.SUCCEEDED, new JsonObject(), null, T0, T0, "w1");
    String value =
        new JsonObject()
            .put("result", result.toJson())
            .put("retry", 1)
            .put("attempts", 1)
            .put("due_at", T0.toString())
            .encode();
    send(kafka.topics().deadLetters(), at.toEpochMilli(), runId, value, reason);
    return runId;
  }

  private static List<String> endpointsOf(TestHttp.Response answer) {
    JsonArray list = answer.json().getJsonArray("endpoints");
    assertEquals(list.size(), answer.json().getInteger("count"));
    return list.stream().map(e -> ((JsonObject) e).getString("endpoint")).toList();
  }

  private static String errorCode(TestHttp.Response answer) {
    return answer.json().getJsonObject("error").getString("code");
  }

  @Test
  void listsEndpointsByProjectAndDisabledStateWithTheirHealth() throws Exception {
    endpoints();
    var all = admin.get("/ops/endpoints");
    assertEquals(200, all.status(), all.json()::encode);
    assertEquals(List.of(DOWN, UP), endpointsOf(all), "the disabled one first");
    JsonObject up = all.json().getJsonArray("endpoints").getJsonObject(1);
    assertEquals(1.0, up.getDouble("success_rate"));
    assertEquals(42L, up.getLong("latency_p95_ms"));
    assertEquals(T0.toString(), up.getString("last_success"));
    JsonObject down = all.json().getJsonArray("endpoints").getJsonObject(0);
    assertTrue(down.getBoolean("disabled"));
    assertEquals(2, down.getInteger("consecutive_failures"));
    assertEquals(0.0, down.getDouble("success_rate"));

    assertEquals(List.of(DOWN), endpointsOf(admin.get("/ops/endpoints?disabled=true")));
    assertEquals(List.of(UP), endpointsOf(admin.get("/ops/endpoints?disabled=false")));
    assertEquals(List.of(UP), endpointsOf(admin.get("/ops/endpoints?project=p2")));
    assertEquals(List.of(), endpointsOf(admin.get("/ops/endpoints?project=nobody")));

    var bad = admin.get("/ops/endpoints?disabled=maybe");
    assertEquals(400, bad.status());
    assertEquals("bad_request", errorCode(bad));
    var noKey = admin.send("GET", "/ops/endpoints", Map.of(), null);
    assertEquals(401, noKey.status());
  }

  @Test
  void enablesADisabledEndpointOnce() throws Exception {
    endpoints();
    var enabled =
        admin.post("/ops/endpoints/enable", new JsonObject().put("endpoint", DOWN).encode());
    assertEquals(200, enabled.status(), enabled.json()::encode);
    assertEquals(DOWN, enabled.json().getString("endpoint"));
    assertFalse(enabled.json().getBoolean("disabled"));
    assertEquals(0, enabled.json().getInteger("consecutive_failures"));
    assertEquals(List.of(), endpointsOf(admin.get("/ops/endpoints?disabled=true")));

    for (String endpoint : List.of(DOWN, UP, "http://127.0.0.1:9/never")) {
      var notDisabled =
          admin.post("/ops/endpoints/enable", new JsonObject().put("endpoint", endpoint).encode());
      assertEquals(404, notDisabled.status(), endpoint);
      assertEquals("not_found", errorCode(notDisabled));
    }
    for (String body : List.of("{}", "{\"endpoint\": 3}", "{\"endpoint\": \"  \"}", "[1]")) {
      var bad = admin.post("/ops/endpoints/enable", body);
      assertEquals(400, bad.status(), body);
      assertEquals("bad_request", errorCode(bad), body);
    }
  }

  @Test
  void replaysTheDeadLettersMatchingTheFiltersAndAnswersTheCount() throws Exception {
    String hook = "http://127.0.0.1:9/hook";
    String match = deadLetter("p1", hook + "?run=1", "endpoint_disabled", T0.plusSeconds(60));
    String match2 = deadLetter("p1", hook, "endpoint_disabled", T0.plusSeconds(90));
    String tooEarly = deadLetter("p1", hook, "endpoint_disabled", T0.minusSeconds(60));
    String otherProject = deadLetter("p2", hook, "endpoint_disabled", T0.plusSeconds(60));
    String otherReason = deadLetter("p1", hook, "exhausted", T0.plusSeconds(60));

    JsonObject filter =
        new JsonObject()
            .put("since", T0.toString())
            .put("until", "2026-03-01T11:00:00+01:00") // = T0: an offset is understood
            .put("project", "p1")
            .put("endpoint", hook)
            .put("reason", "endpoint_disabled");
    var none = admin.post("/ops/dead-letters/replay", filter.encode());
    assertEquals(200, none.status(), none.json()::encode);
    assertEquals(0, none.json().getInteger("replayed"), "until is exclusive, and T0 + 1h = T0");

    filter.put("until", T0.plusSeconds(600).toString());
    var replayed = admin.post("/ops/dead-letters/replay", filter.encode());
    assertEquals(200, replayed.status(), replayed.json()::encode);
    assertEquals(2, replayed.json().getInteger("replayed"));
    assertEquals(
        List.of(match, match2).stream().sorted().toList(),
        replayed.json().getJsonArray("runs").stream()
            .map(r -> ((JsonObject) r).getString("run_id"))
            .sorted()
            .toList());
    assertEquals("p1", replayed.json().getJsonObject("filter").getString("project"));
    for (String runId : List.of(match, match2)) {
      assertEquals(
          1,
          TopicReader.valuesFor(kafka.bootstrapServers(), kafka.topics().retryTier(1), runId)
              .size(),
          "back on the first retry tier");
    }
    assertEquals(
        List.of(tooEarly, otherProject, otherReason).stream().sorted().toList(),
        admin.get("/ops/dlq").json().getJsonArray("dead_letters").stream()
            .map(d -> ((JsonObject) d).getString("run_id"))
            .sorted()
            .toList(),
        "what did not match stays dead-lettered");

    var bad = admin.post("/ops/dead-letters/replay", "{\"since\": \"yesterday\"}");
    assertEquals(400, bad.status());
    assertEquals("bad_request", errorCode(bad));
    assertTrue(bad.json().getJsonObject("error").getString("message").contains("since"));
    assertEquals(3, admin.get("/ops/dlq").json().getInteger("count"), "a bad filter replays none");
  }

  private List<String> waiting() {
    return admin.get("/ops/dlq").json().getJsonArray("dead_letters").stream()
        .map(d -> ((JsonObject) d).getString("run_id"))
        .sorted()
        .toList();
  }

  private static List<String> sorted(String... ids) {
    return java.util.Arrays.stream(ids).sorted().toList();
  }

  @Test
  void purgesTheNamedOrMatchingDeadLettersWithoutDeliveringThem() throws Exception {
    String hook = "http://127.0.0.1:9/hook";
    String a = deadLetter("p1", hook, "exhausted", T0);
    String b = deadLetter("p1", hook, "exhausted", T0.plusSeconds(1));
    String c = deadLetter("p1", hook, "gone", T0.plusSeconds(2));
    String d = deadLetter("p2", hook, "exhausted", T0.plusSeconds(3));
    String e = deadLetter("p2", hook, "exhausted", T0.plusSeconds(4));

    var one = admin.post("/ops/dead-letters/purge", new JsonObject().put("run_id", a).encode());
    assertEquals(200, one.status(), one.json()::encode);
    assertEquals(1, one.json().getInteger("purged"));
    assertEquals(sorted(b, c, d, e), waiting());

    var two =
        admin.post(
            "/ops/dead-letters/purge",
            new JsonObject().put("run_ids", new JsonArray().add(b).add(a).add("unknown")).encode());
    assertEquals(1, two.json().getInteger("purged"), "only those still dead-lettered count");
    assertEquals(sorted(c, d, e), waiting());

    var filtered =
        admin.post(
            "/ops/dead-letters/purge",
            new JsonObject()
                .put("project", "p2")
                .put("since", T0.plusSeconds(4).toString())
                .encode());
    assertEquals(200, filtered.status(), filtered.json()::encode);
    assertEquals(1, filtered.json().getInteger("purged"));
    assertEquals(e, filtered.json().getJsonArray("runs").getString(0));
    assertEquals(sorted(c, d), waiting());

    for (String runId : List.of(a, b, e)) {
      assertEquals(
          0,
          TopicReader.valuesFor(kafka.bootstrapServers(), kafka.topics().retryTier(1), runId)
              .size(),
          "a purged dead letter is not put back into delivery");
    }

    var gone = admin.post("/ops/dead-letters/purge", new JsonObject().put("run_id", a).encode());
    assertEquals(404, gone.status());
    assertEquals("not_found", errorCode(gone));
    for (String body :
        List.of(
            "{}",
            "{\"run_ids\": []}",
            "{\"run_ids\": [3]}",
            "{\"run_id\": \"x\", \"all\": true}",
            "{\"since\": \"yesterday\"}")) {
      var bad = admin.post("/ops/dead-letters/purge", body);
      assertEquals(400, bad.status(), body);
      assertEquals("bad_request", errorCode(bad), body);
    }
    assertEquals(sorted(c, d), waiting(), "a refused purge drops nothing");

    var all = admin.post("/ops/dead-letters/purge", "{\"all\": true}");
    assertEquals(2, all.json().getInteger("purged"));
    assertEquals(List.of(), waiting());
  }
}
