package dev.hookrun.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.common.run.RunStarted;
import dev.hookrun.testkit.ManualClock;
import dev.hookrun.testkit.SharedTestBroker;
import dev.hookrun.testkit.TestEnv;
import dev.hookrun.testkit.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A queued run's status shows how many runs start before it (across every project) and when it may
 * start; once it runs, neither. No worker runs here: the test writes the worker's {@code running}
 * record itself. The gateway's clock stands still unless the test moves it.
 */
class QueuePositionApiTest {

  private static final String KEY_1 = "k1-" + UUID.randomUUID();
  private static final String KEY_2 = "k2-" + UUID.randomUUID();
  private static final String APP = "/webhook-delay-example";
  private static final ManualClock CLOCK =
      new ManualClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));

  private static Vertx vertx;
  private static GatewayConfig config;
  private static TestHttp p1;
  private static TestHttp p2;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    config =
        GatewayConfig.fromEnv(
            TestEnv.gateway(
                SharedTestBroker.bootstrapServers(),
                "position-" + UUID.randomUUID() + ".",
                KEY_1 + "=p-1," + KEY_2 + "=p-2",
                Map.of()));
    GatewayVerticle gateway = new GatewayVerticle(config).withClock(CLOCK);
    vertx.deployVerticle(gateway).await();
    p1 = new TestHttp(gateway.actualPort(), KEY_1);
    p2 = new TestHttp(gateway.actualPort(), KEY_2);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static String predict(TestHttp http, String project) {
    var accepted = http.post("/v3/" + project + APP + "/predict?async=true", "{\"delayMins\": 1}");
    assertEquals(202, accepted.status(), () -> accepted.json().encode());
    return accepted.json().getString("run_id");
  }

  private static JsonObject status(TestHttp http, String project, String runId) {
    var status = http.get("/v3/" + project + APP + "/runs/" + runId);
    assertEquals(200, status.status(), () -> status.json().encode());
    return status.json();
  }

  /** What a worker writes when it starts a run. */
  private static void workerStarts(String runId, Instant at) {
    var started =
        new RunStarted(runId, "p-1", "webhook-delay-example", at, at, "w1", null, List.of());
    var record =
        new ProducerRecord<String, String>(
            config.kafka().topics().results(), runId, started.toJson().encode());
    record.headers().add(RunHeaders.KIND, RunHeaders.bytes(RunHeaders.KIND_RUNNING));
    try (var producer =
        new KafkaProducer<String, String>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      producer.send(record);
    }
  }

  @Test
  void aQueuedRunShowsItsPlaceAndStartEstimateAndARunningOneNeither() {
    String first = predict(p1, "p-1");
    String second = predict(p1, "p-1");
    String third = predict(p1, "p-1");
    String other = predict(p2, "p-2");

    JsonObject queued = status(p2, "p-2", other);
    assertEquals("queued", queued.getString("status"));
    assertEquals(1, queued.getInteger("queue_position"), "served second, not after p-1's three");
    assertTrue(queued.containsKey("estimated_start_at"), queued::encode);
    assertEquals(null, queued.getValue("estimated_start_at"), "no run has started yet");
    assertEquals(3, status(p1, "p-1", third).getInteger("queue_position"));

    CLOCK.advance(Duration.ofSeconds(10));
    Instant now = CLOCK.instant();
    workerStarts(first, now);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> "running".equals(status(p1, "p-1", first).getString("status")));

    JsonObject running = status(p1, "p-1", first);
    assertFalse(running.containsKey("queue_position"), running::encode);
    assertFalse(running.containsKey("estimated_start_at"), running::encode);

    // one start in the 10 s the gateway has watched: one every 10 s
    JsonObject last = status(p1, "p-1", third);
    assertEquals(2, last.getInteger("queue_position"), last::encode);
    assertEquals(now.plusSeconds(20), Instant.parse(last.getString("estimated_start_at")));
    JsonObject next = status(p1, "p-1", second);
    assertEquals(0, next.getInteger("queue_position"), next::encode);
    assertEquals(now, Instant.parse(next.getString("estimated_start_at")));

    var cancelled = p2.post("/v3/p-2" + APP + "/runs/" + other + "/cancel", "");
    assertEquals("cancelled", cancelled.json().getString("status"), cancelled.json()::encode);
    assertFalse(cancelled.json().containsKey("queue_position"), cancelled.json()::encode);
  }
}
