package dev.hookrun.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.testkit.SharedTestBroker;
import dev.hookrun.testkit.TestHttp;
import dev.hookrun.testkit.TopicReader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Batches as a client sees them, on a gateway with the real broker behind it and no workers: every
 * run of a batch stays queued until the test cancels it.
 */
class BatchApiTest {

  private static final String KEY = "key-" + UUID.randomUUID();
  private static final String OTHER_KEY = "other-" + UUID.randomUUID();
  private static final String APP = "/v3/p-1/webhook-delay-example";
  private static final int MAX_ITEMS = 20;

  private static Vertx vertx;
  private static GatewayConfig config;
  private static Map<String, String> env;
  private static TestHttp http;
  private static TestHttp other;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    env = new HashMap<>();
    env.putAll(
        Map.of(
            "HTTP_PORT",
            "0",
            "HTTP_HOST",
            "127.0.0.1",
            "ADMIN_HTTP_PORT",
            "0",
            "BATCH_MAX_ITEMS",
            Integer.toString(MAX_ITEMS),
            "API_KEYS",
            KEY + "=p-1," + OTHER_KEY + "=p-2",
            "KAFKA_BOOTSTRAP_SERVERS",
            SharedTestBroker.bootstrapServers(),
            "TOPIC_PREFIX",
            "batch-" + UUID.randomUUID() + "."));
    config = GatewayConfig.fromEnv(env);
    GatewayVerticle gateway = new GatewayVerticle(config);
    vertx.deployVerticle(gateway).await();
    http = new TestHttp(gateway.actualPort(), KEY);
    other = new TestHttp(gateway.actualPort(), OTHER_KEY);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static String inputs(int n) {
    JsonArray inputs = new JsonArray();
    for (int i = 0; i < n; i++) {
      inputs.add(new JsonObject().put("delayMins", 1).put("custom_id", "item-" + i));
    }
    return new JsonObject().put("inputs", inputs).encode();
  }

  @Test
  void aBatchIsAcceptedAfterEveryItemIsOnTheRequestsTopicAndItsStatusCountsThem() {
    var accepted = http.post(APP + "/batches", inputs(3));
    assertEquals(202, accepted.status(), () -> accepted.json().encode());
    String batchId = accepted.json().getString("batch_id");
    assertEquals(3, accepted.json().getInteger("count"));
    assertEquals(APP + "/batches/" + batchId, accepted.json().getString("status_url"));

    var items =
        TopicReader.readAll(config.kafka().bootstrapServers(), config.kafka().topics().requests())
            .stream()
            .filter(r -> batchId.equals(RunHeaders.text(r.headers(), RunHeaders.BATCH)))
            .toList();
    assertEquals(3, items.size(), "every item is a request naming its batch");

    JsonObject status = http.get(APP + "/batches/" + batchId).json();
    assertEquals(3, status.getInteger("count"));
    assertEquals(3, status.getJsonObject("counts").getInteger("queued"));
    assertEquals(0, status.getJsonObject("counts").getInteger("succeeded"));
    assertNull(status.getValue("completed_at"));
    JsonArray runs = status.getJsonArray("runs");
    assertEquals(3, runs.size());
    assertEquals("item-1", runs.getJsonObject(1).getString("custom_id"));
    String runId = runs.getJsonObject(1).getString("run_id");
    assertEquals(
        Set.of(runId),
        items.stream()
            .filter(r -> "item-1".equals(RunHeaders.text(r.headers(), RunHeaders.CUSTOM_ID)))
            .map(r -> r.key())
            .collect(Collectors.toSet()));
    // an item is an ordinary run
    var run = http.get(APP + "/runs/" + runId);
    assertEquals(200, run.status());
    assertEquals("queued", run.json().getString("status"));

    var page = http.get(APP + "/batches/" + batchId + "?limit=2").json();
    assertEquals(2, page.getJsonArray("runs").size());
    assertEquals(1, page.getInteger("next_after"));
    var rest = http.get(APP + "/batches/" + batchId + "?limit=2&after=1").json();
    assertEquals(1, rest.getJsonArray("runs").size());
    assertEquals("item-2", rest.getJsonArray("runs").getJsonObject(0).getString("custom_id"));
    assertNull(rest.getValue("next_after"));
  }

  @Test
  void anNdjsonBodyIsOneInputALineWithTheBatchOptionsInTheQuery() {
    var accepted =
        http.send(
            "POST",
            APP + "/batches?webhook_endpoint=https://example.com/batch",
            Map.of("Authorization", KEY, "Content-Type", "application/x-ndjson"),
            "{\"delayMins\": 1, \"custom_id\": \"a\"}\n\n{\"delayMins\": 2, \"priority\": \"high\"}\n");
    assertEquals(202, accepted.status(), () -> String.valueOf(accepted.json()));
    assertEquals(2, accepted.json().getInteger("count"));
    JsonObject status = http.get(accepted.json().getString("status_url")).json();
    assertEquals("a", status.getJsonArray("runs").getJsonObject(0).getString("custom_id"));
    assertEquals(
        "https://example.com/batch", status.getJsonObject("webhook").getString("endpoint"));
    String second = status.getJsonArray("runs").getJsonObject(1).getString("run_id");
    assertEquals("high", http.get(APP + "/runs/" + second).json().getString("priority"));
  }

  @Test
  void oneBadItemRejectsTheWholeBatchNamingItsIndexAndNothingIsQueued() {
    String key = "bad-" + UUID.randomUUID();
    String body =
        new JsonObject()
            .put(
                "inputs",
                new JsonArray()
                    .add(new JsonObject().put("delayMins", 1))
                    .add(new JsonObject().put("delayMins", 1))
                    .add(new JsonObject().put("delayMins", 1))
                    .add(new JsonObject().put("delayMins", -1)))
            .encode();
    var refused = http.post(APP + "/batches", body, Map.of("Idempotency-Key", key));
    assertEquals(400, refused.status());
    JsonObject error = refused.json().getJsonObject("error");
    assertEquals("invalid_field", error.getString("code"));
    assertEquals("inputs[3].delayMins", error.getString("field"));
    assertTrue(error.getString("message").startsWith("inputs[3].delayMins: "), error::encode);

    String batchId = BatchRecord.idFor("p-1", key);
    var requests =
        TopicReader.readAll(config.kafka().bootstrapServers(), config.kafka().topics().requests());
    for (int i = 0; i < 4; i++) {
      String runId = BatchRecord.runIdOf("p-1", batchId, i);
      assertTrue(requests.stream().noneMatch(r -> runId.equals(r.key())), "nothing queued");
    }
    assertEquals(404, http.get(APP + "/batches/" + batchId).status());

    var notAnObject = http.post(APP + "/batches", "{\"inputs\": [{\"delayMins\": 1}, 5]}").json();
    assertEquals("inputs[1]", notAnObject.getJsonObject("error").getString("field"));
    var badLine =
        http.send(
            "POST",
            APP + "/batches",
            Map.of("Authorization", KEY, "Content-Type", "application/x-ndjson"),
            "{\"delayMins\": 1}\n{\"delayMins\": \"soon\"}\n");
    assertEquals(400, badLine.status());
    assertEquals("inputs[1].delayMins", badLine.json().getJsonObject("error").getString("field"));
  }

  @Test
  void aRepeatWithTheSameIdempotencyKeyReturnsTheSameBatch() {
    String key = "same-" + UUID.randomUUID();
    var first = http.post(APP + "/batches", inputs(2), Map.of("Idempotency-Key", key));
    assertEquals(202, first.status());
    var again = http.postRaw(APP + "/batches", inputs(2), Map.of("Idempotency-Key", key));
    assertEquals(202, again.statusCode());
    assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(null));
    assertEquals(
        first.json().getString("batch_id"), new JsonObject(again.body()).getString("batch_id"));
    String batchId = first.json().getString("batch_id");
    long items =
        TopicReader.readAll(config.kafka().bootstrapServers(), config.kafka().topics().requests())
            .stream()
            .filter(r -> batchId.equals(RunHeaders.text(r.headers(), RunHeaders.BATCH)))
            .count();
    assertEquals(2, items, "no item was queued twice");
  }

  @Test
  void cancellingABatchCancelsItsQueuedRunsAndCompletesIt() {
    var accepted = http.post(APP + "/batches", inputs(4));
    String url = accepted.json().getString("status_url");
    var cancelled = http.post(url + "/cancel", "");
    assertEquals(200, cancelled.status(), () -> cancelled.json().encode());
    assertEquals(4, cancelled.json().getInteger("cancelled"));

    JsonObject status = http.get(url).json();
    assertEquals(4, status.getJsonObject("counts").getInteger("cancelled"));
    assertEquals(0, status.getJsonObject("counts").getInteger("queued"));
    assertEquals("completed", status.getString("status"));
    assertNotNull(status.getString("completed_at"));
    String runId = status.getJsonArray("runs").getJsonObject(0).getString("run_id");
    assertEquals("cancelled", http.get(APP + "/runs/" + runId).json().getString("status"));

    assertEquals(0, http.post(url + "/cancel", "").json().getInteger("cancelled"));
  }

  @Test
  void anotherProjectsKeyCannotSeeOrCancelTheBatch() {
    String batchId = http.post(APP + "/batches", inputs(1)).json().getString("batch_id");
    var asOther = other.get("/v3/p-2/webhook-delay-example/batches/" + batchId);
    assertEquals(404, asOther.status());
    assertEquals("batch_not_found", asOther.json().getJsonObject("error").getString("code"));
    assertEquals(
        404,
        other.post("/v3/p-2/webhook-delay-example/batches/" + batchId + "/cancel", "").status());
    assertEquals(403, other.get(APP + "/batches/" + batchId).status());
    assertEquals(404, http.get("/v3/p-1/echo-example/batches/" + batchId).status());
  }

  @Test
  void moreInputsThanBatchMaxItemsAreRefusedWithAClearError() {
    var refused = http.post(APP + "/batches", inputs(MAX_ITEMS + 1));
    assertEquals(413, refused.status());
    JsonObject error = refused.json().getJsonObject("error");
    assertEquals("too_many_inputs", error.getString("code"));
    assertEquals("inputs", error.getString("field"));
    assertTrue(error.getString("message").contains(Integer.toString(MAX_ITEMS)), error::encode);
    assertEquals(202, http.post(APP + "/batches", inputs(MAX_ITEMS)).status());
  }

  @Test
  void aRestartedGatewayRebuildsTheBatchFromKafka() {
    var accepted = http.post(APP + "/batches", inputs(3));
    String batchId = accepted.json().getString("batch_id");
    http.post(APP + "/batches/" + batchId + "/cancel", "");

    Vertx second = Vertx.vertx();
    try {
      GatewayVerticle restarted = new GatewayVerticle(GatewayConfig.fromEnv(env));
      second.deployVerticle(restarted).await();
      TestHttp fresh = new TestHttp(restarted.actualPort(), KEY);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> fresh.get(APP + "/batches/" + batchId).status() == 200);
      JsonObject status = fresh.get(APP + "/batches/" + batchId).json();
      assertEquals(3, status.getJsonArray("runs").size());
      assertEquals("item-2", status.getJsonArray("runs").getJsonObject(2).getString("custom_id"));
      assertEquals(3, status.getJsonObject("counts").getInteger("cancelled"));
      assertNotNull(status.getString("completed_at"));
    } finally {
      second.close().await();
    }
  }
}
