package dev.hookrun.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.dispatcher.DispatcherConfig;
import dev.hookrun.dispatcher.DispatcherVerticle;
import dev.hookrun.gateway.GatewayConfig;
import dev.hookrun.gateway.GatewayVerticle;
import dev.hookrun.scheduler.SchedulerConfig;
import dev.hookrun.scheduler.SchedulerVerticle;
import dev.hookrun.testkit.TestHttp;
import dev.hookrun.testkit.TopicReader;
import dev.hookrun.testkit.WebhookReceiver;
import dev.hookrun.worker.WorkerConfig;
import dev.hookrun.worker.WorkerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline on a real broker: gateway → requests → worker → results → dispatcher →
 * webhook.
 */
class EndToEndTest {

  private static final String KEY = "test-key-" + UUID.randomUUID();
  private static final String PROJECT = "p-e2e";

  private final Vertx vertx = Vertx.vertx();
  private KafkaSettings kafka;
  private String workerGroup;
  private WebhookReceiver receiver;
  private TestHttp http;

  @BeforeEach
  void setUp() {
    kafka =
        KafkaSettings.local(TestKafka.bootstrapServers(), "e2e-" + UUID.randomUUID() + ".")
            .withSessionTimeout(Duration.ofSeconds(6));
    workerGroup = "workers-" + UUID.randomUUID();
    receiver = new WebhookReceiver(vertx);
    GatewayConfig gatewayConfig =
        GatewayConfig.fromEnv(TestStack.gatewayEnv(kafka, KEY + "=" + PROJECT, Map.of()));
    GatewayVerticle gateway = new GatewayVerticle(gatewayConfig);
    vertx
        .deployVerticle(
            new DispatcherVerticle(
                DispatcherConfig.defaults(kafka)
                    .withGroupId("dispatchers-" + UUID.randomUUID())
                    .withLoopbackAllowed()))
        .await(); // the receiver is on 127.0.0.1
    vertx
        .deployVerticle(
            new SchedulerVerticle(
                SchedulerConfig.defaults(kafka)
                    .withGroupId("scheduler-" + UUID.randomUUID())
                    .withWorkerLeaseTimeout(Duration.ofSeconds(5))))
        .await();
    vertx.deployVerticle(gateway).await();
    http = new TestHttp(gateway.actualPort(), KEY);
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  private WorkerVerticle deployWorker(Vertx on, String id, Duration drainTimeout) {
    WorkerVerticle worker =
        new WorkerVerticle(
            WorkerConfig.defaults(kafka, id)
                .withGroupId(workerGroup)
                .withDrainTimeout(drainTimeout));
    on.deployVerticle(worker).await();
    return worker;
  }

  private String predict(double delayMins) {
    var response =
        http.post(
            "/v3/" + PROJECT + "/webhook-delay-example/predict",
            new JsonObject()
                .put("delayMins", delayMins)
                .put("webhook_endpoint", receiver.url())
                .encode());
    assertEquals(202, response.status(), () -> "predict answered " + response.json());
    return response.json().getString("run_id");
  }

  @Test
  void aPredictWithAWebhookIsAcknowledgedAtOnceAndTheResultIsPostedToTheWebhook() {
    deployWorker(vertx, "w1", Duration.ofSeconds(5));
    var response =
        http.post(
            "/v3/" + PROJECT + "/webhook-delay-example/predict",
            new JsonObject()
                .put("delayMins", 0)
                .put("webhook_endpoint", receiver.url())
                .put("note", "kept")
                .encode());

    assertEquals(202, response.status());
    assertEquals("queued", response.json().getString("status"));
    assertEquals(
        "Your request is being processed. We will return the result to your webhook.",
        response.json().getString("message"));
    String runId = response.json().getString("run_id");
    assertEquals(
        "/v3/" + PROJECT + "/webhook-delay-example/runs/" + runId,
        response.json().getString("status_url"));

    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.deliveriesFor(runId).size() == 1);
    JsonObject body = receiver.deliveriesFor(runId).get(0).body();
    assertEquals("webhook-delay-example", body.getString("app"));
    assertEquals("succeeded", body.getString("status"));
    assertEquals(0, body.getJsonObject("result").getInteger("delayMins"));
    assertNotNull(body.getJsonObject("result").getLong("slept_ms"));
    assertNull(body.getValue("error"));
    assertNotNull(body.getLong("run_time_ms"));
    assertNotNull(body.getString("created_at"));
    assertNotNull(body.getString("completed_at"));
  }

  @Test
  void fiftyConcurrentPredictsEachArriveExactlyOnce() throws Exception {
    deployWorker(vertx, "w1", Duration.ofSeconds(5));
    ExecutorService clients = Executors.newFixedThreadPool(16);
    try {
      List<CompletableFuture<String>> sent =
          IntStream.range(0, 50)
              .mapToObj(i -> CompletableFuture.supplyAsync(() -> predict(0), clients))
              .toList();
      List<String> runIds = sent.stream().map(CompletableFuture::join).toList();
      assertEquals(50, runIds.stream().distinct().count());

      await().atMost(Duration.ofSeconds(60)).until(() -> receiver.deliveries().size() >= 50);
      // and nothing arrives twice, however long we look
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(5))
          .until(() -> receiver.deliveries().size() == 50);
      Map<String, Long> perRun =
          receiver.deliveries().stream()
              .collect(
                  Collectors.groupingBy(d -> d.body().getString("run_id"), Collectors.counting()));
      assertEquals(new java.util.HashSet<>(runIds), perRun.keySet());
      perRun.values().forEach(count -> assertEquals(1L, count));
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void aWorkerStoppedBeforeItCommitsLeavesItsRunToAnotherWorkerWhichCompletesIt() {
    Vertx processA = Vertx.vertx();
    Vertx processB = Vertx.vertx();
    try {
      // zero drain timeout: A stops mid-run, without publishing or committing that run
      WorkerVerticle a = deployWorker(processA, "worker-a", Duration.ZERO);
      WorkerVerticle b = deployWorker(processB, "worker-b", Duration.ZERO);
      String runId = predict(0.05); // 3 s
      await().atMost(Duration.ofSeconds(20)).until(() -> a.inFlight() + b.inFlight() == 1);
      boolean aHasIt = a.inFlight() == 1;
      Vertx holder = aHasIt ? processA : processB;
      String survivor = aHasIt ? "worker-b" : "worker-a";

      holder.close().await();

      await().atMost(Duration.ofSeconds(45)).until(() -> receiver.deliveriesFor(runId).size() == 1);
      assertEquals("succeeded", receiver.deliveriesFor(runId).get(0).body().getString("status"));
      List<JsonObject> outcomes = resultsFor(runId);
      assertEquals(1, outcomes.size(), "the stopped worker must not publish an outcome");
      assertTrue(
          outcomes.get(0).getString("worker_id").startsWith(survivor + "-"),
          outcomes.get(0).encode());
    } finally {
      processA.close().await();
      processB.close().await();
    }
  }

  /** The run's outcomes on the results topic (not its "running" records). */
  private List<JsonObject> resultsFor(String runId) {
    return TopicReader.readAll(kafka.bootstrapServers(), kafka.topics().results()).stream()
        .filter(r -> runId.equals(r.key()) && RunHeaders.isOutcome(r.headers()))
        .map(r -> new JsonObject(r.value()))
        .toList();
  }
}
