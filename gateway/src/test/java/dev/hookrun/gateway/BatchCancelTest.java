package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.testkit.SharedTestBroker;
import dev.hookrun.testkit.TestHttp;
import dev.hookrun.testkit.TopicReader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancelling a large batch: one cancel record per open run, sent side by side, and one answer once
 * Kafka has them all. No workers: every run is queued when the cancel comes.
 */
class BatchCancelTest {

  private static final Logger LOG = LoggerFactory.getLogger(BatchCancelTest.class);
  private static final String KEY = "key-" + UUID.randomUUID();
  private static final String APP = "/v3/p-1/webhook-delay-example";
  private static final int ITEMS = 400;

  private static Vertx vertx;
  private static GatewayConfig config;
  private static TestHttp http;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    config =
        GatewayConfig.fromEnv(
            Map.of(
                "HTTP_PORT", "0",
                "HTTP_HOST", "127.0.0.1",
                "ADMIN_HTTP_PORT", "0",
                "API_KEYS", KEY + "=p-1",
                "MAX_QUEUED_PER_PROJECT", "100000",
                "KAFKA_BOOTSTRAP_SERVERS", SharedTestBroker.bootstrapServers(),
                "TOPIC_PREFIX", "cancel-" + UUID.randomUUID() + "."));
    GatewayVerticle gateway = new GatewayVerticle(config);
    vertx.deployVerticle(gateway).await();
    http = new TestHttp(gateway.actualPort(), KEY);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void cancellingABatchOfHundredsOfRunsAnswersOnceAndEndsEveryItemCancelled() {
    JsonArray inputs = new JsonArray();
    for (int i = 0; i < ITEMS; i++) {
      inputs.add(new JsonObject().put("delayMins", 1));
    }
    var accepted = http.post(APP + "/batches", new JsonObject().put("inputs", inputs).encode());
    assertEquals(202, accepted.status(), () -> accepted.json().encode());
    String url = accepted.json().getString("status_url");

    long started = System.nanoTime();
    var cancelled = http.post(url + "/cancel", "");
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    LOG.info("cancel of a {}-run batch answered in {} ms", ITEMS, tookMs);
    assertEquals(200, cancelled.status(), () -> cancelled.json().encode());
    assertEquals(ITEMS, cancelled.json().getInteger("cancelled"));
    assertEquals(ITEMS, cancelled.json().getJsonObject("counts").getInteger("cancelled"));

    JsonObject status = http.get(url + "?limit=1000").json();
    assertEquals("completed", status.getString("status"));
    assertEquals(ITEMS, status.getJsonObject("counts").getInteger("cancelled"));
    JsonArray runs = status.getJsonArray("runs");
    assertEquals(ITEMS, runs.size());
    Set<String> runIds = new HashSet<>();
    for (int i = 0; i < runs.size(); i++) {
      JsonObject run = runs.getJsonObject(i);
      assertEquals("cancelled", run.getString("status"), run::encode);
      runIds.add(run.getString("run_id"));
    }
    // each run, as its own route shows it
    for (String runId : runIds) {
      assertEquals("cancelled", http.get(APP + "/runs/" + runId).json().getString("status"));
    }
    // one command per run on the cancels topic, which the scheduler and every gateway read
    var commands =
        TopicReader.readAll(config.kafka().bootstrapServers(), config.kafka().topics().cancels());
    Set<String> commanded = new HashSet<>();
    commands.forEach(r -> assertTrue(commanded.add(r.key()), "one command per run"));
    assertEquals(runIds, commanded);
  }
}
