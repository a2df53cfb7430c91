package dev.hookrun.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.metrics.ServiceMetrics;
import dev.hookrun.dispatcher.DispatcherConfig;
import dev.hookrun.dispatcher.DispatcherVerticle;
import dev.hookrun.gateway.GatewayConfig;
import dev.hookrun.gateway.GatewayVerticle;
import dev.hookrun.scheduler.SchedulerConfig;
import dev.hookrun.scheduler.SchedulerVerticle;
import dev.hookrun.testkit.TestHttp;
import dev.hookrun.testkit.WebhookReceiver;
import dev.hookrun.worker.WorkerConfig;
import dev.hookrun.worker.WorkerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ops on the running platform: trace, groups, metrics and readiness of the gateway, DLQ replay
 * delivered again, an operator's redelivery of a delivered webhook.
 */
class OpsEndToEndTest {

  private static final String KEY = "test-key-" + UUID.randomUUID();
  private static final String ADMIN = "admin-" + UUID.randomUUID();
  private static final String PROJECT = "p-ops";

  private final Vertx vertx = ServiceMetrics.newVertx();
  private KafkaSettings kafka;
  private String workerGroup;
  private String dispatcherGroup;
  private String schedulerGroup;
  private WebhookReceiver receiver;
  private TestHttp http;
  private TestHttp opsHttp;
  private Map<String, String> admin;

  @BeforeEach
  void setUp() {
    kafka = KafkaSettings.local(TestKafka.bootstrapServers(), "ops-e2e-" + UUID.randomUUID() + ".");
    workerGroup = "workers-" + UUID.randomUUID();
    dispatcherGroup = "dispatchers-" + UUID.randomUUID();
    schedulerGroup = "scheduler-" + UUID.randomUUID();
    receiver = new WebhookReceiver(vertx);
    GatewayConfig gatewayConfig =
        GatewayConfig.fromEnv(
            TestStack.gatewayEnv(
                kafka,
                KEY + "=" + PROJECT,
                Map.of("ADMIN_KEY", ADMIN, "OPS_LAG_SAMPLE_INTERVAL", "1s")));
    GatewayVerticle gateway = new GatewayVerticle(gatewayConfig);
    vertx
        .deployVerticle(
            new SchedulerVerticle(SchedulerConfig.defaults(kafka).withGroupId(schedulerGroup)))
        .await();
    vertx
        .deployVerticle(
            new WorkerVerticle(WorkerConfig.defaults(kafka, "w-ops").withGroupId(workerGroup)))
        .await();
    vertx
        .deployVerticle(
            new DispatcherVerticle(
                DispatcherConfig.defaults(kafka)
                    .withGroupId(dispatcherGroup)
                    .withLoopbackAllowed()
                    .withRetrySchedule("200ms")))
        .await();
    vertx.deployVerticle(gateway).await();
    http = new TestHttp(gateway.actualPort(), KEY);
    opsHttp = new TestHttp(gateway.adminPort(), KEY);
    admin = Map.of("Authorization", "Bearer " + ADMIN, "Content-Type", "application/json");
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void traceGroupsMetricsAndReadinessOfARealRun() {
    var accepted =
        http.post(
            "/v3/" + PROJECT + "/webhook-delay-example/predict",
            new JsonObject().put("delayMins", 0).put("webhook_endpoint", receiver.url()).encode());
    assertEquals(202, accepted.status());
    String runId = accepted.json().getString("run_id");
    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.deliveriesFor(runId).size() == 1);

    assertEquals(
        401, opsHttp.send("GET", "/ops/runs/" + runId + "/trace", Map.of(), null).status());
    var trace = opsHttp.send("GET", "/ops/runs/" + runId + "/trace", admin, null);
    assertEquals(200, trace.status());
    JsonArray records = trace.json().getJsonArray("records");
    List<String> topics = records.stream().map(r -> ((JsonObject) r).getString("topic")).toList();
    assertTrue(topics.contains("requests") && topics.contains("results"), topics::toString);
    JsonObject result =
        records.stream()
            .map(r -> (JsonObject) r)
            .filter(r -> r.getString("topic").equals("results"))
            .findFirst()
            .orElseThrow();
    assertTrue(result.getString("worker").startsWith("w-ops-"), result::encode);
    // the scheduler's group is past the request once the outcome is in results (commits are
    // batched: wait)
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                opsHttp
                    .send("GET", "/ops/runs/" + runId + "/trace", admin, null)
                    .json()
                    .getJsonArray("consumed_by")
                    .stream()
                    .map(p -> (JsonObject) p)
                    .anyMatch(
                        p ->
                            p.getString("group").equals(schedulerGroup)
                                && p.getBoolean("processed")));

    // every stage is caught up: its group (the workers' is a share group) shows no lag
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              JsonObject groups = opsHttp.send("GET", "/ops/groups", admin, null).json();
              JsonObject byStage = groups.getJsonObject("lag_by_stage");
              List<String> names =
                  groups.getJsonArray("groups").stream()
                      .map(g -> ((JsonObject) g).getString("group"))
                      .toList();
              return names.containsAll(List.of(schedulerGroup, workerGroup, dispatcherGroup))
                  && Long.valueOf(0).equals(byStage.getLong("scheduler"))
                  && Long.valueOf(0).equals(byStage.getLong("worker"))
                  && Long.valueOf(0).equals(byStage.getLong("dispatcher"));
            });

    assertEquals(200, http.send("GET", "/readyz", Map.of(), null).status());
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              String metrics =
                  opsHttp.send("GET", "/metrics", Map.of(), null).json().getString("non_json_body");
              assertTrue(
                  metrics.contains(
                      "hookrun_gateway_predict_requests_total{code=\"202\",outcome=\"accepted\"}"),
                  metrics);
              assertTrue(
                  metrics.contains(
                      "hookrun_worker_run_duration_seconds_count{app=\"webhook-delay-example\",status=\"succeeded\"}"));
              assertTrue(metrics.contains("hookrun_worker_runs_inflight"));
              assertTrue(
                  metrics.contains(
                      "hookrun_webhook_delivery_attempts_total{outcome=\"delivered\"}"));
              assertTrue(
                  metrics.contains("hookrun_webhook_request_duration_seconds_count"),
                  "receivers' answer times");
              assertTrue(
                  metrics.contains(
                      "hookrun_consumer_lag{group=\"" + workerGroup + "\",stage=\"worker\"}"),
                  metrics);
              assertTrue(metrics.contains("vertx_http_server_requests_total"), "Vert.x metrics");
            });
  }

  @Test
  void aRunDeadLetteredByTheDispatcherIsListedAndDeliveredAfterReplay() {
    receiver.answerWith(() -> 500); // the receiver is broken through both attempts
    var accepted =
        http.post(
            "/v3/" + PROJECT + "/webhook-delay-example/predict",
            new JsonObject().put("delayMins", 0).put("webhook_endpoint", receiver.url()).encode());
    String runId = accepted.json().getString("run_id");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> opsHttp.send("GET", "/ops/dlq", admin, null).json().getInteger("count") == 1);
    JsonObject letter =
        opsHttp
            .send("GET", "/ops/dlq", admin, null)
            .json()
            .getJsonArray("dead_letters")
            .getJsonObject(0);
    assertEquals(runId, letter.getString("run_id"));
    assertEquals("exhausted", letter.getString("reason"));
    assertEquals(2, letter.getInteger("attempts"));
    int attemptsBefore = receiver.deliveriesFor(runId).size();

    receiver.answerWith(() -> 200); // fixed
    var replayed =
        opsHttp.send(
            "POST", "/ops/dlq/replay", admin, new JsonObject().put("run_id", runId).encode());
    assertEquals(200, replayed.status(), () -> replayed.json().encode());
    assertEquals(1, replayed.json().getInteger("replayed"));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> receiver.deliveriesFor(runId).size() == attemptsBefore + 1);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                "delivered"
                    .equals(
                        http.get("/v3/" + PROJECT + "/webhook-delay-example/runs/" + runId)
                            .json()
                            .getJsonObject("webhook")
                            .getString("status")));
    assertEquals(0, opsHttp.send("GET", "/ops/dlq", admin, null).json().getInteger("count"));
    assertEquals(
        404,
        opsHttp
            .send("POST", "/ops/dlq/replay", admin, new JsonObject().put("run_id", runId).encode())
            .status());
  }

  @Test
  void aDeliveredWebhookIsRedeliveredOnceOnRequestAndTheTimelineSaysSo() {
    var accepted =
        http.post(
            "/v3/" + PROJECT + "/webhook-delay-example/predict",
            new JsonObject().put("delayMins", 5).put("webhook_endpoint", receiver.url()).encode());
    String running = accepted.json().getString("run_id");
    var notYet = opsHttp.send("POST", "/ops/runs/" + running + "/redeliver", admin, "{}");
    assertEquals(404, notYet.status(), "no result yet: " + notYet.json().encode());
    assertEquals(
        404, opsHttp.send("POST", "/ops/runs/no-such-run/redeliver", admin, "{}").status());

    receiver.answerWith(() -> 500);
    String dead =
        http.post(
                "/v3/" + PROJECT + "/webhook-delay-example/predict",
                new JsonObject()
                    .put("delayMins", 0)
                    .put("webhook_endpoint", receiver.url())
                    .encode())
            .json()
            .getString("run_id");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> opsHttp.send("GET", "/ops/dlq", admin, null).json().encode().contains(dead));
    var deadLettered = opsHttp.send("POST", "/ops/runs/" + dead + "/redeliver", admin, "{}");
    assertEquals(409, deadLettered.status(), deadLettered.json()::encode);
    assertEquals(
        "webhook_not_delivered", deadLettered.json().getJsonObject("error").getString("code"));

    receiver.answerWith(() -> 200);
    String runId =
        http.post(
                "/v3/" + PROJECT + "/webhook-delay-example/predict",
                new JsonObject()
                    .put("delayMins", 0)
                    .put("webhook_endpoint", receiver.url())
                    .encode())
            .json()
            .getString("run_id");
    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.deliveriesFor(runId).size() == 1);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                opsHttp
                    .send("GET", "/ops/runs/" + runId + "/trace", admin, null)
                    .json()
                    .encode()
                    .contains("\"status\":\"delivered\""));

    var redelivered = opsHttp.send("POST", "/ops/runs/" + runId + "/redeliver", admin, "{}");
    assertEquals(202, redelivered.status(), redelivered.json()::encode);
    assertEquals(runId, redelivered.json().getString("run_id"));
    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.deliveriesFor(runId).size() == 2);
    assertEquals(
        receiver.deliveriesFor(runId).get(0).body(),
        receiver.deliveriesFor(runId).get(1).body(),
        "the same webhook, once more");

    List<String> events =
        opsHttp
            .send("GET", "/ops/runs/" + runId + "/trace", admin, null)
            .json()
            .getJsonArray("records")
            .stream()
            .map(r -> ((JsonObject) r).getString("event"))
            .toList();
    assertTrue(
        events.stream().anyMatch(e -> e.startsWith("webhook redelivery requested")),
        events::toString);
    // and no more than asked: the redelivery is not repeated
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> receiver.deliveriesFor(runId).size() == 2);
  }
}
