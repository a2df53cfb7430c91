package dev.hookrun.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.kafka.EmbeddedKafkaBroker;
import dev.hookrun.testkit.TestHttp;
import dev.hookrun.testkit.TopicReader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With its own broker, stopped and restarted mid-test: a 503 while Kafka is away, never a 202. */
class KafkaOutageTest {

  private static final String BODY =
      "{\"delayMins\": 0, \"webhook_endpoint\": \"https://example.com/h\"}";
  private static final String PATH = "/v3/p-1/webhook-delay-example/predict";

  @Test
  void answers503WhileKafkaIsDownAndRecoversWhenItReturns(@TempDir Path dir) {
    Vertx vertx = Vertx.vertx();
    try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, 0).start()) {
      GatewayConfig config = config(broker.bootstrapServers(), Duration.ofSeconds(2));
      GatewayVerticle gateway = deploy(vertx, config);
      TestHttp http = new TestHttp(gateway.actualPort(), "k");
      assertEquals(202, http.post(PATH, BODY).status());

      broker.stop();
      var refused = http.post(PATH, BODY);
      assertEquals(503, refused.status());
      // The first send after the stop may already have been taken by the producer (it still had
      // the topic's metadata) before timing out: then "nothing was accepted" would not be known,
      // and the honest answer is outcome_unknown (the tests below).
      assertTrue(
          Set.of("kafka_unavailable", "outcome_unknown")
              .contains(refused.json().getJsonObject("error").getString("code")),
          () -> "body: " + refused.json());
      // while down, answers are immediate 503s (the gate), not a pile-up of timeouts, and the gate
      // refuses before sending, so those are certain: nothing was accepted
      long t0 = System.nanoTime();
      var gated = http.post(PATH, BODY);
      assertEquals(503, gated.status());
      assertEquals("kafka_unavailable", gated.json().getJsonObject("error").getString("code"));
      assertEquals(
          true, (System.nanoTime() - t0) < 1_000_000_000L, "a 503 during an outage must not wait");

      broker.start();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> http.post(PATH, BODY).status() == 202);
      // exactly the acknowledged requests are in the topic: nothing refused slipped in
      long accepted =
          TopicReader.readAll(broker.bootstrapServers(), config.kafka().topics().requests()).size();
      assertEquals(2, accepted);
    } finally {
      vertx.close().await();
    }
  }

  /**
   * Predicts sent while the broker goes away, at a steady rate: the client has re-bootstrapped and
   * forgotten the topic, so each send may block for metadata. Each one must still get its answer
   * (503, or 202 if it got in first) within about the send timeout, not queue behind the blocked
   * ones; and exactly the acknowledged runs are in the topic once the broker is back.
   */
  @Test
  void everyPredictIsAnsweredWithinTheSendTimeoutWhileTheBrokerIsAway(@TempDir Path dir)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    HttpClient client = HttpClient.newHttpClient();
    Duration sendTimeout = Duration.ofSeconds(2);
    try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, 0).start()) {
      GatewayConfig config = config(broker.bootstrapServers(), sendTimeout);
      GatewayVerticle gateway = deploy(vertx, config);
      TestHttp http = new TestHttp(gateway.actualPort(), "k");
      Set<String> accepted = ConcurrentHashMap.newKeySet();
      var first = http.post(PATH, BODY);
      assertEquals(202, first.status());
      accepted.add(first.json().getString("run_id"));

      broker.stop();
      // twice the send timeout: well above the promised ~1.25x, far below a pile-up behind blocked
      // sends
      Duration bound = sendTimeout.multipliedBy(2);
      HttpRequest predict =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.actualPort() + PATH))
              .header("Authorization", "k")
              .header("Content-Type", "application/json")
              .timeout(bound)
              .POST(HttpRequest.BodyPublishers.ofString(BODY))
              .build();
      // a steady 20 predicts/s for 8 s, the load under which the chaos run found the pile-up
      List<CompletableFuture<Integer>> answers = new CopyOnWriteArrayList<>();
      int total = 160;
      vertx.setPeriodic(
          50,
          timer -> {
            answers.add(
                client
                    .sendAsync(predict, HttpResponse.BodyHandlers.ofString())
                    .thenApply(
                        r -> {
                          if (r.statusCode() == 202) {
                            accepted.add(
                                new io.vertx.core.json.JsonObject(r.body()).getString("run_id"));
                          }
                          return r.statusCode();
                        })
                    .exceptionally(e -> -1));
            if (answers.size() == total) {
              vertx.cancelTimer(timer);
            }
          });
      await().atMost(Duration.ofSeconds(60)).until(() -> answers.size() == total);
      List<Integer> statuses = answers.stream().map(CompletableFuture::join).toList();
      Map<Integer, Long> byStatus =
          statuses.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
      assertTrue(
          statuses.stream().allMatch(s -> s == 503 || s == 202),
          "every predict answered 503 or 202 within " + bound + " (-1 = no answer): " + byStatus);

      broker.start();
      awaitAccepted(http, accepted);
      Set<String> inTopic = runsInTopic(config);
      assertEquals(accepted, inTopic, "the topic holds exactly the acknowledged runs");
    } finally {
      vertx.close().await();
    }
  }

  /**
   * The answers under an outage that starts mid-load: each 503 says what is known. A {@code
   * kafka_unavailable} request never reaches the topic; an {@code outcome_unknown} one carries its
   * run id and Idempotency-Key (the client's, or one generated for it), and a retry with that key
   * once Kafka is back answers the same run.
   */
  @Test
  void underAnOutageEvery503SaysWhetherItCanHaveBeenQueued(@TempDir Path dir) {
    Vertx vertx = Vertx.vertx();
    HttpClient client = HttpClient.newHttpClient();
    try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, 0).start()) {
      GatewayConfig config = config(broker.bootstrapServers(), Duration.ofSeconds(2));
      GatewayVerticle gateway = deploy(vertx, config);
      TestHttp http = new TestHttp(gateway.actualPort(), "k");
      Set<String> accepted = ConcurrentHashMap.newKeySet();
      Map<String, String> unknownKeyByRun = new ConcurrentHashMap<>();
      Set<String> refusedRunIds =
          ConcurrentHashMap.newKeySet(); // kafka_unavailable answers to keyed requests

      // a steady 40 predicts/s for 4 s, every other one with the client's own key; the broker
      // stops after the first second, so some sends are in flight when it goes
      List<CompletableFuture<Void>> answers = new CopyOnWriteArrayList<>();
      int total = 160;
      vertx.setPeriodic(
          25,
          timer -> {
            int n = answers.size();
            String clientKey = n % 2 == 0 ? "client-key-" + n : null;
            HttpRequest.Builder predict =
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.actualPort() + PATH))
                    .header("Authorization", "k")
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(BODY));
            if (clientKey != null) {
              predict.header("Idempotency-Key", clientKey);
            }
            answers.add(
                client
                    .sendAsync(predict.build(), HttpResponse.BodyHandlers.ofString())
                    .thenAccept(
                        r -> {
                          JsonObject body = new JsonObject(r.body());
                          if (r.statusCode() == 202) {
                            accepted.add(body.getString("run_id"));
                            return;
                          }
                          assertEquals(503, r.statusCode(), r.body());
                          String code = body.getJsonObject("error").getString("code");
                          if (code.equals("outcome_unknown")) {
                            String key = body.getString("idempotency_key");
                            assertEquals(
                                PredictHandler.runIdFor("p-1", key), body.getString("run_id"));
                            if (clientKey != null) {
                              assertEquals(
                                  clientKey, key, "the key to retry with is the client's own");
                            }
                            unknownKeyByRun.put(body.getString("run_id"), key);
                          } else {
                            assertEquals("kafka_unavailable", code, r.body());
                            assertTrue(
                                body.getString("run_id") == null,
                                "a refused request names no run: " + r.body());
                            if (clientKey != null) {
                              refusedRunIds.add(PredictHandler.runIdFor("p-1", clientKey));
                            }
                          }
                        }));
            if (n == 40) {
              vertx.executeBlocking(
                  () -> {
                    broker.stop();
                    return null;
                  });
            }
            if (answers.size() == total) {
              vertx.cancelTimer(timer);
            }
          });
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> answers.size() == total && !broker.isRunning());
      answers.forEach(CompletableFuture::join);
      assertTrue(!refusedRunIds.isEmpty(), "the outage refused nothing");

      broker.start();
      awaitAccepted(http, accepted);
      // retrying each unknown outcome as told answers the same run
      unknownKeyByRun.forEach((runId, key) -> assertEquals(runId, retryUntilAccepted(http, key)));

      Set<String> inTopic = runsInTopic(config);
      Set<String> known = new java.util.HashSet<>(accepted);
      known.addAll(unknownKeyByRun.keySet());
      assertTrue(
          known.containsAll(inTopic), "the topic holds a run nobody was told about: " + inTopic);
      assertTrue(
          inTopic.containsAll(unknownKeyByRun.keySet()),
          "a retried unknown outcome was not queued");
      refusedRunIds.forEach(
          runId ->
              assertTrue(!inTopic.contains(runId), "a kafka_unavailable request ran: " + runId));
    } finally {
      vertx.close().await();
    }
  }

  /**
   * A send whose outcome the gateway cannot know, made certain: the network between gateway and
   * broker drops the broker's replies, so the broker writes the request while the gateway never
   * hears it. The answer must not say "nothing was accepted"; it is outcome_unknown with the key
   * (generated, as the client sent none) whose retry returns the same run, and the topic never
   * holds a second run.
   */
  @Test
  void aRequestWrittenButNeverConfirmedIsOutcomeUnknownAndItsRetryIsTheSameRun(@TempDir Path dir) {
    Vertx vertx = Vertx.vertx();
    Vertx network = Vertx.vertx();
    PartitionProxy proxy = PartitionProxy.start(network);
    // clients reach the broker only through the proxy: it is the address the broker advertises
    try (EmbeddedKafkaBroker broker =
        new EmbeddedKafkaBroker(
            dir, 0, Map.of("advertised.listeners", "PLAINTEXT://127.0.0.1:" + proxy.port()))) {
      proxy.forwardTo(broker.port());
      broker.start();
      GatewayConfig config = config("127.0.0.1:" + proxy.port(), Duration.ofSeconds(2));
      GatewayVerticle gateway = deploy(vertx, config);
      TestHttp http = new TestHttp(gateway.actualPort(), "k");
      var first = http.post(PATH, BODY);
      assertEquals(202, first.status());

      proxy.dropReplies();
      var unknown = http.post(PATH, BODY);
      assertEquals(503, unknown.status(), () -> "body: " + unknown.json());
      assertEquals(
          "outcome_unknown",
          unknown.json().getJsonObject("error").getString("code"),
          () -> "body: " + unknown.json());
      String key = unknown.json().getString("idempotency_key");
      String runId = unknown.json().getString("run_id");
      assertEquals(PredictHandler.runIdFor("p-1", key), runId);

      proxy.heal();
      String requests = config.kafka().topics().requests();
      // it was written after all: exactly the case a "nothing was accepted" would have lied about
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  TopicReader.readAll(config.kafka().bootstrapServers(), requests).stream()
                      .anyMatch(r -> r.key().equals(runId)));
      assertEquals(runId, retryUntilAccepted(http, key));
      Set<String> runs = runsInTopic(config);
      assertEquals(
          Set.of(first.json().getString("run_id"), runId), runs, "the retry made a second run");
    } finally {
      vertx.close().await();
      network.close().await();
    }
  }

  /**
   * The answer deadline and the record's delivery are apart: with KAFKA_DELIVERY_TIMEOUT well past
   * KAFKA_SEND_TIMEOUT (as on a cluster, to outlast a dead node's fencing), a predict whose
   * acknowledgement does not come is still answered by the send timeout, outcome_unknown with its
   * run id, and its record keeps trying and is written once the broker's replies flow again. The
   * gate stays open meanwhile, since the producer has not given up.
   */
  @Test
  void anUnconfirmedPredictIsAnsweredByTheSendTimeoutWhileItsRecordKeepsTrying(@TempDir Path dir) {
    Vertx vertx = Vertx.vertx();
    Vertx network = Vertx.vertx();
    PartitionProxy proxy = PartitionProxy.start(network);
    try (EmbeddedKafkaBroker broker =
        new EmbeddedKafkaBroker(
            dir, 0, Map.of("advertised.listeners", "PLAINTEXT://127.0.0.1:" + proxy.port()))) {
      proxy.forwardTo(broker.port());
      broker.start();
      Duration sendTimeout = Duration.ofSeconds(2);
      GatewayConfig config =
          config("127.0.0.1:" + proxy.port(), sendTimeout, Map.of("KAFKA_DELIVERY_TIMEOUT", "8s"));
      GatewayVerticle gateway = deploy(vertx, config);
      TestHttp http = new TestHttp(gateway.actualPort(), "k");
      assertEquals(202, http.post(PATH, BODY).status());

      proxy.dropReplies();
      long start = System.nanoTime();
      var unknown = http.post(PATH, BODY);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertEquals(503, unknown.status(), () -> "body: " + unknown.json());
      assertEquals("outcome_unknown", unknown.json().getJsonObject("error").getString("code"));
      assertTrue(
          took.compareTo(sendTimeout.plusMillis(500)) < 0,
          "answered after " + took + ", not by the send timeout " + sendTimeout);
      String runId = unknown.json().getString("run_id");

      proxy.heal();
      await().atMost(Duration.ofSeconds(30)).until(() -> runsInTopic(config).contains(runId));
      assertEquals(202, http.post(PATH, BODY).status(), "the gate closed on an answer deadline");
    } finally {
      vertx.close().await();
      network.close().await();
    }
  }

  /**
   * A gateway on 127.0.0.1 (any port) for key k of project p-1, with this broker and send timeout.
   */
  private static GatewayConfig config(String bootstrapServers, Duration sendTimeout) {
    return config(bootstrapServers, sendTimeout, Map.of());
  }

  /** The same with {@code extra} settings. */
  private static GatewayConfig config(
      String bootstrapServers, Duration sendTimeout, Map<String, String> extra) {
    Map<String, String> env =
        new java.util.HashMap<>(
            Map.of(
                "HTTP_PORT",
                "0",
                "HTTP_HOST",
                "127.0.0.1",
                "ADMIN_HTTP_PORT",
                "0",
                "API_KEYS",
                "k=p-1",
                "KAFKA_SEND_TIMEOUT",
                sendTimeout.toSeconds() + "s",
                "KAFKA_BOOTSTRAP_SERVERS",
                bootstrapServers));
    env.putAll(extra);
    return GatewayConfig.fromEnv(env);
  }

  private static GatewayVerticle deploy(Vertx vertx, GatewayConfig config) {
    GatewayVerticle gateway = new GatewayVerticle(config);
    vertx.deployVerticle(gateway).await();
    return gateway;
  }

  /**
   * Predicts until one is accepted again (the broker is back), adding every accepted run to {@code
   * accepted}.
   */
  private static void awaitAccepted(TestHttp http, Set<String> accepted) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              var r = http.post(PATH, BODY);
              if (r.status() == 202) {
                accepted.add(r.json().getString("run_id"));
              }
              return r.status() == 202;
            });
  }

  /** The run ids of the requests topic's records. */
  private static Set<String> runsInTopic(GatewayConfig config) {
    return TopicReader.readAll(
            config.kafka().bootstrapServers(), config.kafka().topics().requests())
        .stream()
        .map(r -> r.key())
        .collect(Collectors.toSet());
  }

  /**
   * Retries a predict with {@code key} until Kafka takes it (the gate admits a probe a second); its
   * run id.
   */
  private static String retryUntilAccepted(TestHttp http, String key) {
    TestHttp.Response[] last = new TestHttp.Response[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              last[0] =
                  http.send(
                      "POST",
                      PATH,
                      Map.of(
                          "Authorization",
                          "k",
                          "Content-Type",
                          "application/json",
                          "Idempotency-Key",
                          key),
                      BODY);
              return last[0].status() == 202 || last[0].status() == 200;
            });
    return last[0].json().getString("run_id");
  }
}
