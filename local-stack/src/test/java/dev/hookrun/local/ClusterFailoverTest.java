package dev.hookrun.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.dispatcher.DispatcherConfig;
import dev.hookrun.dispatcher.DispatcherVerticle;
import dev.hookrun.gateway.GatewayConfig;
import dev.hookrun.gateway.GatewayVerticle;
import dev.hookrun.kafka.LocalKafkaCluster;
import dev.hookrun.scheduler.SchedulerConfig;
import dev.hookrun.scheduler.SchedulerVerticle;
import dev.hookrun.testkit.TestEnv;
import dev.hookrun.testkit.WebhookReceiver;
import dev.hookrun.worker.WorkerConfig;
import dev.hookrun.worker.WorkerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform on a three-node KRaft cluster (replication factor 3, min ISR 2) under steady load
 * with webhooks, while a node is killed (-9) or restarted, every stage at its default settings
 * (only the addresses and the topics' replication are set, as a deployment would): no accepted run
 * is lost, every predict is answered 202 or 503 within 10 s, every refused run that ran anyway was
 * answered {@code outcome_unknown} with its run id, and a node loss refuses at most 5 % of the
 * predicts sent while it is down. Takes about four minutes, so it is tagged {@code cluster} and run
 * by {@code bench/cluster.sh}, not by {@code ./mvnw verify}; the figures go to docs/PERFORMANCE.md.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailoverTest {

  private static final int RATE = Integer.getInteger("cluster.rate", 100);
  private static final Duration ANSWER_BOUND = Duration.ofSeconds(10);
  private static final Duration NODE_DOWN =
      Duration.ofSeconds(Integer.getInteger("cluster.downSeconds", 20));
  private static final String KEY = "key-" + UUID.randomUUID();

  @TempDir static Path dir;

  private static LocalKafkaCluster cluster;
  private static KafkaSettings kafka;
  private static Vertx stages;
  private static Vertx gatewayVertx;
  private static Vertx clients;
  private static WebhookReceiver receiver;
  private static int gatewayPort;
  private static final List<String> figures = new ArrayList<>();

  @BeforeAll
  static void startClusterAndStages() {
    // -Dcluster.brokerSessionTimeout=4000 measures a cluster tuned to fence a dead node sooner
    Map<String, String> brokers =
        System.getProperty("cluster.brokerSessionTimeout") == null
            ? Map.of()
            : Map.of(
                "broker.session.timeout.ms",
                System.getProperty("cluster.brokerSessionTimeout"),
                "broker.heartbeat.interval.ms",
                "1000");
    cluster = new LocalKafkaCluster(dir.resolve("kafka"), 3, brokers).start();
    String prefix = "c-" + UUID.randomUUID() + ".";
    Map<String, String> env =
        TestEnv.gateway(
            cluster.bootstrapServers(),
            prefix,
            KEY + "=p-cluster",
            Map.of("TOPIC_REPLICATION_FACTOR", "3", "TOPIC_MIN_INSYNC_REPLICAS", "2"));
    // -Dcluster.env=NAME=value,... measures a setting away from its default
    for (String pair : System.getProperty("cluster.env", "").split(",")) {
      if (pair.contains("=")) {
        env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
      }
    }
    GatewayConfig gatewayConfig = GatewayConfig.fromEnv(env);
    kafka = gatewayConfig.kafka();
    clients = Vertx.vertx();
    receiver = new WebhookReceiver(clients);
    stages = Vertx.vertx();
    stages.deployVerticle(new SchedulerVerticle(SchedulerConfig.fromEnv(env))).await();
    stages.deployVerticle(new WorkerVerticle(WorkerConfig.fromEnv(env))).await();
    // the webhook receiver is on loopback, which a dispatcher refuses unless told
    stages
        .deployVerticle(new DispatcherVerticle(DispatcherConfig.fromEnv(env).withLoopbackAllowed()))
        .await();
    // the gateway apart, as in a deployment: the other stages' catching up after the fault must
    // not take the event loops that answer predicts
    gatewayVertx = Vertx.vertx();
    GatewayVerticle gateway = new GatewayVerticle(gatewayConfig);
    gatewayVertx.deployVerticle(gateway).await();
    gatewayPort = gateway.actualPort();
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (gatewayVertx != null) {
      gatewayVertx.close().await();
    }
    if (stages != null) {
      stages.close().await();
    }
    if (clients != null) {
      clients.close().await();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (!figures.isEmpty()) {
      String text = String.join("\n", figures) + "\n";
      System.out.print("\n== cluster figures ==\n" + text);
      Files.writeString(
          Path.of("target", "cluster-figures.txt"),
          text,
          StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING);
    }
  }

  @Test
  @Order(1)
  void killingTheLeaderOfMostRequestsPartitionsLosesNothing() {
    int node = cluster.leaderOfMost(kafka.topics().requests());
    faultUnderLoad(
        "kill -9 of node "
            + node
            + " (leads most requests partitions) for "
            + NODE_DOWN.toSeconds()
            + " s",
        true,
        load -> {
          cluster.kill(node);
          newLeaders = leadersMovedFrom(node);
          load.awaitSentFor(NODE_DOWN);
          cluster.restart(node);
        });
  }

  @Test
  @Order(2)
  void killingTheLeaderOfMostResultsPartitionsLosesNothing() {
    int node = cluster.leaderOfMost(kafka.topics().results());
    faultUnderLoad(
        "kill -9 of node "
            + node
            + " (leads most results partitions) for "
            + NODE_DOWN.toSeconds()
            + " s",
        true,
        load -> {
          cluster.kill(node);
          newLeaders = leadersMovedFrom(node);
          load.awaitSentFor(NODE_DOWN);
          cluster.restart(node);
        });
  }

  @Test
  @Order(3)
  void aRollingRestartOfAllThreeNodesLosesNothing() {
    faultUnderLoad(
        "rolling restart of all three nodes (SIGTERM, start, wait for full ISR)",
        false,
        load -> {
          for (int node = 1; node <= 3; node++) {
            cluster.stop(node);
            load.awaitSentFor(Duration.ofSeconds(5));
            cluster.restart(node);
            cluster.awaitFullIsr(platformTopics(), Duration.ofSeconds(90));
          }
        });
  }

  /** When the dead node's requests partitions had new leaders: the controller had fenced it. */
  private static CompletableFuture<Long> newLeaders = CompletableFuture.completedFuture(-1L);

  private static CompletableFuture<Long> leadersMovedFrom(int node) {
    long killedAt = System.nanoTime();
    return CompletableFuture.supplyAsync(
        () -> {
          await()
              .atMost(Duration.ofMinutes(1))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> !cluster.leaders(kafka.topics().requests()).containsValue(node));
          return (System.nanoTime() - killedAt) / 1_000_000;
        });
  }

  private interface Fault {
    void inject(Load load);
  }

  private void faultUnderLoad(String name, boolean nodeLoss, Fault fault) {
    cluster.awaitFullIsr(platformTopics(), Duration.ofSeconds(90));
    newLeaders = CompletableFuture.completedFuture(-1L);
    int deliveriesBefore = receiver.deliveries().size();
    Load load = new Load();
    load.start();
    load.awaitSentFor(Duration.ofSeconds(5)); // steady state first
    long faultAt = System.nanoTime();
    fault.inject(load);
    long faultEnd = System.nanoTime();
    load.awaitSentFor(Duration.ofSeconds(10)); // and after it
    load.stopAndAwaitAnswers();

    List<Answer> answers = List.copyOf(load.answers);
    printTimeline(name, answers, faultAt);
    Map<Integer, Long> byStatus =
        answers.stream()
            .collect(Collectors.groupingBy(Answer::status, TreeMap::new, Collectors.counting()));
    Set<String> accepted =
        answers.stream()
            .filter(a -> a.status == 202)
            .map(Answer::runId)
            .collect(Collectors.toSet());
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> missing(accepted).isEmpty());
    List<WebhookReceiver.Delivery> deliveries =
        receiver.deliveries().subList(deliveriesBefore, receiver.deliveries().size());
    Map<String, Long> perRun =
        deliveries.stream()
            .collect(
                Collectors.groupingBy(d -> d.body().getString("run_id"), Collectors.counting()));
    long duplicates = perRun.values().stream().mapToLong(n -> n - 1).sum();
    // a 503 whose record reached the log: it runs although it was refused, which its answer must
    // have said (outcome_unknown with this run id)
    Set<String> refusedButRan =
        perRun.keySet().stream().filter(id -> !accepted.contains(id)).collect(Collectors.toSet());
    Set<String> unknown =
        answers.stream()
            .filter(a -> a.status == 503 && "outcome_unknown".equals(a.code) && a.runId != null)
            .map(Answer::runId)
            .collect(Collectors.toSet());
    Map<String, Long> refusedByCode =
        answers.stream()
            .filter(a -> a.status == 503)
            .collect(Collectors.groupingBy(Answer::code, TreeMap::new, Collectors.counting()));

    // a node loss: the predicts sent during its NODE_DOWN seconds; a rolling restart: all of it
    long windowEnd = nodeLoss ? faultAt + NODE_DOWN.toNanos() : faultEnd;
    List<Answer> during =
        answers.stream().filter(a -> a.sentAt >= faultAt && a.sentAt <= windowEnd).toList();
    long refusedDuring = during.stream().filter(a -> a.status == 503).count();
    long firstAcceptAfterFault =
        answers.stream()
            .filter(a -> a.status == 202 && a.sentAt >= faultAt)
            .mapToLong(a -> a.answeredAt - faultAt)
            .min()
            .orElse(-1);
    long maxAnswerMs =
        answers.stream().mapToLong(a -> (a.answeredAt - a.sentAt) / 1_000_000).max().orElse(0);
    long withinBound =
        answers.stream()
            .filter(a -> a.status > 0 && a.answeredAt - a.sentAt <= ANSWER_BOUND.toNanos())
            .count();

    String line =
        String.format(
            "%s (defaults%s): %d predicts at %d/s, %d accepted, %d refused %s (%d of %d = %.1f %% while"
                + " the node was down), %.1f %% answered within %d s, first 202 %.0f ms after the fault,"
                + " slowest answer %d ms, lost 0, duplicates %d (%.2f %%), refused but ran %d (all"
                + " told outcome_unknown: %s)",
            name,
            System.getProperty("cluster.env", "").isBlank()
                ? ""
                : ", " + System.getProperty("cluster.env"),
            answers.size(),
            RATE,
            accepted.size(),
            byStatus.getOrDefault(503, 0L),
            refusedByCode,
            refusedDuring,
            during.size(),
            100.0 * refusedDuring / Math.max(1, during.size()),
            100.0 * withinBound / Math.max(1, answers.size()),
            ANSWER_BOUND.toSeconds(),
            firstAcceptAfterFault / 1e6,
            maxAnswerMs,
            duplicates,
            100.0 * duplicates / Math.max(1, accepted.size()),
            refusedButRan.size(),
            unknown.containsAll(refusedButRan));
    figures.add(line);
    System.out.println(line);

    assertTrue(
        Set.of(202, 503).containsAll(byStatus.keySet()),
        name
            + ": answers other than 202 or 503 within "
            + ANSWER_BOUND.toSeconds()
            + " s (-1: none): "
            + byStatus);
    assertTrue(accepted.size() > 0);
    assertEquals(Set.of(), missing(accepted), name + ": accepted runs without a webhook");
    assertEquals(
        answers.size(),
        withinBound,
        name + ": predicts without an answer within " + ANSWER_BOUND.toSeconds() + " s");
    assertEquals(
        Set.of(),
        refusedButRan.stream().filter(id -> !unknown.contains(id)).collect(Collectors.toSet()),
        name + ": runs that ran after a 503 that did not say outcome_unknown with their run id");
    assertTrue(
        duplicates <= accepted.size() / 100,
        name + ": more than 1 % duplicate webhooks: " + duplicates);
    assertTrue(
        refusedDuring <= during.size() * 5 / 100,
        name
            + ": more than 5 % refused while the node was down: "
            + refusedDuring
            + " of "
            + during.size());
  }

  /** Per second from the fault on, by when a predict was sent: what it was answered, how fast. */
  private static void printTimeline(String name, List<Answer> answers, long faultAt) {
    System.out.println(
        name + ", new leaders " + newLeaders.join() + " ms after the kill (-1: not a kill)");
    System.out.println(
        "no answer, by the client's error: "
            + answers.stream()
                .filter(a -> a.status < 0)
                .collect(Collectors.groupingBy(Answer::code, TreeMap::new, Collectors.counting())));
    System.out.println("second sent 202 outcome_unknown kafka_unavailable none slowest_ms");
    answers.stream()
        .filter(a -> a.sentAt >= faultAt)
        .collect(
            Collectors.groupingBy(
                a -> (a.sentAt - faultAt) / 1_000_000_000, TreeMap::new, Collectors.toList()))
        .forEach(
            (second, in) ->
                System.out.printf(
                    "%d %d %d %d %d %d %d%n",
                    second,
                    in.size(),
                    in.stream().filter(a -> a.status == 202).count(),
                    in.stream().filter(a -> "outcome_unknown".equals(a.code)).count(),
                    in.stream().filter(a -> "kafka_unavailable".equals(a.code)).count(),
                    in.stream().filter(a -> a.status < 0).count(),
                    in.stream()
                        .mapToLong(a -> (a.answeredAt - a.sentAt) / 1_000_000)
                        .max()
                        .orElse(0)));
  }

  private static Set<String> missing(Set<String> accepted) {
    Set<String> delivered =
        receiver.deliveries().stream()
            .map(d -> d.body().getString("run_id"))
            .collect(Collectors.toSet());
    return accepted.stream().filter(id -> !delivered.contains(id)).collect(Collectors.toSet());
  }

  private static List<String> platformTopics() {
    var t = kafka.topics();
    return List.of(t.requests(), t.results(), t.deliveries(), t.cancels());
  }

  /**
   * One predict's answer: status -1 when none came within the bound; the code of an error answer,
   * or the client's error when there was none.
   */
  private record Answer(long sentAt, long answeredAt, int status, String code, String runId) {}

  /** Predicts with a webhook at a steady rate, paced by a Vert.x timer; records every answer. */
  private static final class Load {
    final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    // room for every predict of a stall in flight at once, so that the clock measures the gateway
    // and not a wait for one of this client's connections
    private final WebClient client =
        WebClient.create(
            clients,
            new WebClientOptions().setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(RATE * (int) ANSWER_BOUND.toSeconds() * 2));
    private long timer;

    void start() {
      JsonObject body =
          new JsonObject().put("delayMins", 0).put("webhook_endpoint", receiver.url());
      Buffer payload = body.toBuffer();
      timer =
          clients.setPeriodic(
              1_000 / RATE,
              t -> {
                long sentAt = System.nanoTime();
                sent.incrementAndGet();
                inFlight.incrementAndGet();
                client
                    .post(gatewayPort, "127.0.0.1", "/v3/p-cluster/webhook-delay-example/predict")
                    .putHeader("Authorization", KEY)
                    .putHeader("Content-Type", "application/json")
                    .timeout(ANSWER_BOUND.toMillis())
                    .sendBuffer(payload)
                    .onComplete(
                        r -> {
                          int status = r.succeeded() ? r.result().statusCode() : -1;
                          String runId = null;
                          // a predict without an answer: why the client gave up
                          String code = r.failed() ? r.cause().getClass().getSimpleName() : null;
                          if (status == 202 || status == 503) {
                            JsonObject answer = r.result().bodyAsJsonObject();
                            runId = answer.getString("run_id");
                            code =
                                status == 503
                                    ? answer.getJsonObject("error").getString("code")
                                    : null;
                          }
                          answers.add(new Answer(sentAt, System.nanoTime(), status, code, runId));
                          inFlight.decrementAndGet();
                        });
              });
    }

    /** Waits until the load has sent what it sends in {@code time}: the pace is the clock. */
    void awaitSentFor(Duration time) {
      int target = sent.get() + (int) (time.toMillis() * RATE / 1_000);
      await()
          .atMost(time.multipliedBy(3))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> sent.get() >= target);
    }

    void stopAndAwaitAnswers() {
      clients.cancelTimer(timer);
      await().atMost(Duration.ofSeconds(40)).until(() -> inFlight.get() == 0);
      client.close();
    }
  }
}
