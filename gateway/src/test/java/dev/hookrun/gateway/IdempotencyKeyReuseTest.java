package dev.hookrun.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.testkit.SharedTestBroker;
import dev.hookrun.testkit.TestHttp;
import dev.hookrun.testkit.TopicReader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An Idempotency-Key names one request: repeating it with the same body (fields in any order)
 * returns the first run or batch, and using it for another body is refused rather than answered as
 * if it were the first. No workers: every run stays queued.
 */
class IdempotencyKeyReuseTest {

  private static final String KEY = "key-" + UUID.randomUUID();
  private static final String APP = "/v3/p-1/webhook-delay-example";

  private static Vertx vertx;
  private static Map<String, String> env;
  private static GatewayConfig config;
  private static TestHttp http;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    env =
        Map.of(
            "HTTP_PORT",
            "0",
            "HTTP_HOST",
            "127.0.0.1",
            "ADMIN_HTTP_PORT",
            "0",
            "API_KEYS",
            KEY + "=p-1",
            "KAFKA_BOOTSTRAP_SERVERS",
            SharedTestBroker.bootstrapServers(),
            "TOPIC_PREFIX",
            "idem-" + UUID.randomUUID() + ".");
    config = GatewayConfig.fromEnv(env);
    GatewayVerticle gateway = new GatewayVerticle(config);
    vertx.deployVerticle(gateway).await();
    http = new TestHttp(gateway.actualPort(), KEY);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static void assertReused(HttpResponse<String> answer, String idField, String id) {
    assertEquals(409, answer.statusCode(), answer::body);
    JsonObject body = new JsonObject(answer.body());
    assertEquals("idempotency_key_reused", body.getJsonObject("error").getString("code"));
    assertEquals("Idempotency-Key", body.getJsonObject("error").getString("field"));
    assertEquals(id, body.getString(idField));
  }

  @Test
  void aPredictKeyAgainWithAnotherBodyIsRefusedAndTheSameBodyInAnyOrderIsReplayed() {
    String key = "order-" + UUID.randomUUID();
    Map<String, String> keyed = Map.of("Idempotency-Key", key);
    var first =
        http.post(APP + "/predict?async=true", "{\"delayMins\": 1, \"priority\": \"low\"}", keyed);
    assertEquals(202, first.status());
    String runId = first.json().getString("run_id");

    assertReused(
        http.postRaw(
            APP + "/predict?async=true", "{\"delayMins\": 2, \"priority\": \"low\"}", keyed),
        "run_id",
        runId);
    assertReused(
        http.postRaw(APP + "/predict?async=true", "{\"delayMins\": 1}", keyed), "run_id", runId);

    var again =
        http.postRaw(
            APP + "/predict?async=true", "{ \"priority\": \"low\", \"delayMins\": 1 }", keyed);
    assertEquals(202, again.statusCode(), again::body);
    assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(null));
    assertEquals(runId, new JsonObject(again.body()).getString("run_id"));

    long requests =
        TopicReader.readAll(config.kafka().bootstrapServers(), config.kafka().topics().requests())
            .stream()
            .filter(r -> runId.equals(r.key()))
            .count();
    assertEquals(1, requests, "the refused bodies were not queued");
  }

  @Test
  void aBatchKeyAgainWithOtherInputsOrOptionsIsRefusedAndTheSameBatchAsNdjsonIsReplayed() {
    String key = "batch-" + UUID.randomUUID();
    Map<String, String> keyed = Map.of("Idempotency-Key", key);
    String body =
        "{\"inputs\": [{\"delayMins\": 1, \"custom_id\": \"a\"}, {\"delayMins\": 2}],"
            + " \"webhook_endpoint\": \"https://example.com/batch\"}";
    var first = http.post(APP + "/batches", body, keyed);
    assertEquals(202, first.status());
    String batchId = first.json().getString("batch_id");

    assertReused(
        http.postRaw(
            APP + "/batches",
            "{\"inputs\": [{\"delayMins\": 1, \"custom_id\": \"a\"}, {\"delayMins\": 3}],"
                + " \"webhook_endpoint\": \"https://example.com/batch\"}",
            keyed),
        "batch_id",
        batchId);
    assertReused(
        http.postRaw(
            APP + "/batches",
            "{\"inputs\": [{\"delayMins\": 1, \"custom_id\": \"a\"}, {\"delayMins\": 2}]}",
            keyed),
        "batch_id",
        batchId);
    assertReused(
        http.postRaw(
            APP + "/batches",
            "{\"inputs\": [{\"delayMins\": 1, \"custom_id\": \"a\"}, {\"delayMins\": 2},"
                + " {\"delayMins\": 2}], \"webhook_endpoint\": \"https://example.com/batch\"}",
            keyed),
        "batch_id",
        batchId);

    var asNdjson =
        http.sendRaw(
            "POST",
            APP + "/batches?webhook_endpoint=https://example.com/batch",
            Map.of(
                "Authorization", KEY,
                "Content-Type", "application/x-ndjson",
                "Idempotency-Key", key),
            "{\"custom_id\": \"a\", \"delayMins\": 1}\n{\"delayMins\": 2}\n");
    assertEquals(202, asNdjson.statusCode(), asNdjson::body);
    assertEquals("true", asNdjson.headers().firstValue("Idempotent-Replayed").orElse(null));
    assertEquals(batchId, new JsonObject(asNdjson.body()).getString("batch_id"));

    long items =
        TopicReader.readAll(config.kafka().bootstrapServers(), config.kafka().topics().requests())
            .stream()
            .filter(r -> batchId.equals(RunHeaders.text(r.headers(), RunHeaders.BATCH)))
            .count();
    assertEquals(2, items, "nothing of the refused batches was queued");
  }

  /** A gateway started later knows the first bodies' fingerprints from the records alone. */
  @Test
  void aRestartedGatewayRefusesAReusedKeyToo() {
    String runKey = "run-" + UUID.randomUUID();
    String batchKey = "batch-" + UUID.randomUUID();
    String runId =
        http.post(
                APP + "/predict?async=true",
                "{\"delayMins\": 1}",
                Map.of("Idempotency-Key", runKey))
            .json()
            .getString("run_id");
    String batchId =
        http.post(
                APP + "/batches",
                "{\"inputs\": [{\"delayMins\": 1}]}",
                Map.of("Idempotency-Key", batchKey))
            .json()
            .getString("batch_id");

    Vertx second = Vertx.vertx();
    try {
      GatewayVerticle restarted = new GatewayVerticle(GatewayConfig.fromEnv(env));
      second.deployVerticle(restarted).await();
      TestHttp fresh = new TestHttp(restarted.actualPort(), KEY);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> fresh.get(APP + "/batches/" + batchId).status() == 200);
      assertReused(
          fresh.postRaw(
              APP + "/predict?async=true", "{\"delayMins\": 5}", Map.of("Idempotency-Key", runKey)),
          "run_id",
          runId);
      assertReused(
          fresh.postRaw(
              APP + "/batches",
              "{\"inputs\": [{\"delayMins\": 5}]}",
              Map.of("Idempotency-Key", batchKey)),
          "batch_id",
          batchId);
      var same =
          fresh.postRaw(
              APP + "/predict?async=true", "{\"delayMins\": 1}", Map.of("Idempotency-Key", runKey));
      assertEquals(202, same.statusCode(), same::body);
      assertEquals(runId, new JsonObject(same.body()).getString("run_id"));
    } finally {
      second.close().await();
    }
  }
}
