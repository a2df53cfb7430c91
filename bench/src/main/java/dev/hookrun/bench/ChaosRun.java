package dev.hookrun.bench;

import dev.hookrun.receiver.WebhookServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Fault injection under steady load, with every stage as its own process on one broker: kill -9 a
 * worker, the scheduler, the dispatcher and the gateway (restarting each), stop the broker, take
 * the webhook receiver down past the first retry tiers. Then it checks the promise: every accepted
 * run got its webhook, duplicates are rare and carry the same webhook-id. Exits non-zero on loss.
 *
 * <p>{@code --unsettled} is the harder variant: 200 predicts/s for 30 s and kill -9 of a worker,
 * the dispatcher and the gateway at fixed points of the load, each restarted at once, never waiting
 * for the previous fault's backlog to be worked off. It measures how many webhooks a crash sends
 * twice while deliveries are at full speed.
 *
 * <p>Over 300 lines on purpose: it is one script, read top to bottom as the scenario it runs
 * (processes, load, faults in order, then the checks); it ships in the bench jar only.
 */
public final class ChaosRun {

  private final boolean shortRun;
  private final boolean unsettled;
  private final Path repo;
  private final Path work;
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client =
      vertx.createHttpClient(
          new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(32));
  private final Set<String> accepted = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> webhooks = new ConcurrentHashMap<>();
  private final Map<String, String> webhookIds = new ConcurrentHashMap<>();
  private final AtomicInteger webhookIdChanged = new AtomicInteger();
  private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> duplicatesByPhase = new ConcurrentHashMap<>();
  private final List<String> duplicateRuns = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<String[]> table = new ArrayList<>();
  private volatile String phase = "warm-up";
  private volatile boolean sending = true;
  private WebhookServer receiver;
  private int receiverPort;

  private ChaosRun(boolean shortRun, boolean unsettled, Path repo) throws Exception {
    this.shortRun = shortRun;
    this.unsettled = unsettled;
    this.repo = repo;
    this.work = Files.createTempDirectory("hookrun-chaos");
  }

  public static void main(String[] args) throws Exception {
    boolean shortRun = List.of(args).contains("--short");
    boolean unsettled = List.of(args).contains("--unsettled");
    int code = new ChaosRun(shortRun, unsettled, Path.of(".").toAbsolutePath().normalize()).run();
    System.exit(code);
  }

  private int run() throws Exception {
    int kafkaPort = 19095;
    int gatewayPort = 18095;
    receiverPort = 18096;
    startReceiver();
    Map<String, String> common =
        new HashMap<>(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                "127.0.0.1:" + kafkaPort,
                "TOPIC_PREFIX",
                "chaos.",
                "LOG_LEVEL",
                "INFO",
                "KAFKA_SESSION_TIMEOUT",
                "6s"));
    String jars = repo.toString();
    StageProcess broker =
        new StageProcess(
            "broker",
            jars + "/local-stack/target/local-stack.jar",
            List.of("broker"),
            Map.of(
                "DATA_DIR",
                work.resolve("data").toString(),
                "LOCAL_KAFKA_PORT",
                Integer.toString(kafkaPort)),
            work);
    Map<String, String> gatewayEnv = new HashMap<>(common);
    gatewayEnv.putAll(
        Map.of(
            "HTTP_PORT",
            Integer.toString(gatewayPort),
            "HTTP_HOST",
            "127.0.0.1",
            // a free port: the gateway's default 8081 may be another run's on this machine
            "ADMIN_HTTP_PORT",
            "0",
            "API_KEYS",
            "chaos-key=p-chaos",
            "KAFKA_SEND_TIMEOUT",
            "3s"));
    Map<String, String> dispatcherEnv = new HashMap<>(common);
    dispatcherEnv.putAll(
        Map.of(
            "WEBHOOK_ALLOWED_NETWORKS",
            "127.0.0.0/8",
            "WEBHOOK_RETRY_SCHEDULE",
            "1s,2s,4s,8s,15s,30s,60s",
            "HTTP_PORT",
            "0"));
    // the dispatcher's per-host concurrency bounds how many webhooks a kill -9 can catch in flight
    String perHost = System.getenv("WEBHOOK_MAX_PER_HOST");
    if (perHost != null) {
      dispatcherEnv.put("WEBHOOK_MAX_PER_HOST", perHost);
    }
    StageProcess gateway =
        new StageProcess(
            "gateway", jars + "/gateway/target/gateway.jar", List.of(), gatewayEnv, work);
    StageProcess dispatcher =
        new StageProcess(
            "dispatcher",
            jars + "/webhook-dispatcher/target/webhook-dispatcher.jar",
            List.of(),
            dispatcherEnv,
            work);
    Map<String, String> schedulerEnv = new HashMap<>(common);
    // a killed worker's started runs go on 5 s after its last heartbeat, not 15
    schedulerEnv.putAll(Map.of("HTTP_PORT", "0", "WORKER_LEASE_TIMEOUT", "5s"));
    StageProcess scheduler =
        new StageProcess(
            "scheduler", jars + "/scheduler/target/scheduler.jar", List.of(), schedulerEnv, work);
    List<StageProcess> workers = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      Map<String, String> env = new HashMap<>(common);
      env.putAll(Map.of("WORKER_ID", "chaos-w" + i, "HTTP_PORT", "0", "DRAIN_TIMEOUT", "5s"));
      workers.add(
          new StageProcess(
              "worker-" + i, jars + "/worker/target/worker.jar", List.of(), env, work));
    }
    try {
      broker.start();
      waitForPort(kafkaPort, Duration.ofSeconds(60));
      gateway.start();
      scheduler.start();
      dispatcher.start();
      workers.forEach(StageProcess::start);
      waitFor(() -> httpOk(gatewayPort), Duration.ofSeconds(90), "gateway up");
      if (unsettled) {
        return unsettled(gatewayPort, workers.get(0), scheduler, dispatcher, gateway);
      }
      startLoad(gatewayPort, shortRun ? 20 : 40);
      Duration steady = Duration.ofSeconds(shortRun ? 5 : 10);

      phase("warm-up", steady);
      phase = "kill -9 worker";
      workers.get(0).kill();
      phase("kill -9 worker", Duration.ofSeconds(3));
      restart("worker restarted", workers.get(0), () -> true);
      phase("worker steady", steady);

      phase = "kill -9 scheduler";
      scheduler.kill();
      phase("kill -9 scheduler", Duration.ofSeconds(3));
      restart("scheduler restarted", scheduler, () -> true);
      phase("scheduler steady", steady);

      phase = "kill -9 dispatcher";
      dispatcher.kill();
      phase("kill -9 dispatcher", Duration.ofSeconds(3));
      restart("dispatcher restarted", dispatcher, () -> true);
      phase("dispatcher steady", steady);

      phase = "kill -9 gateway";
      gateway.kill();
      phase("kill -9 gateway", Duration.ofSeconds(2));
      restart("gateway restarted", gateway, () -> httpOk(gatewayPort));
      phase("gateway steady", steady);

      phase = "broker stopped";
      broker.stop();
      phase("broker stopped", Duration.ofSeconds(shortRun ? 10 : 20));
      int acceptedBeforeReturn = accepted.size();
      broker.start();
      phase = "broker back";
      long back = System.nanoTime();
      waitFor(
          () -> accepted.size() > acceptedBeforeReturn,
          Duration.ofSeconds(60),
          "first 202 after the broker's return");
      double firstAccept = (System.nanoTime() - back) / 1e9;
      // everything accepted up to now, the backlog from before the outage included, must arrive;
      // runs accepted later are still in flight under the steady load and are checked at the end
      Set<String> backlog = Set.copyOf(accepted);
      waitFor(
          () -> backlog.stream().allMatch(webhooks::containsKey),
          Duration.ofSeconds(60),
          "the backlog's webhooks after the broker's return");
      double allDelivered = (System.nanoTime() - back) / 1e9;
      table.add(
          new String[] {
            "broker back",
            "-",
            String.format(
                "first 202 after %.1f s, backlog delivered after %.1f s %s",
                firstAccept, allDelivered, refusalsText())
          });
      refusals.clear();
      boolean recovered = allDelivered <= 30;

      phase = "receiver down";
      receiver.close().await();
      phase("receiver down", Duration.ofSeconds(shortRun ? 8 : 20));
      startReceiver();
      phase("receiver back", steady);

      sending = false;
      phase = "final drain";
      long drain = System.nanoTime();
      waitFor(
          () -> missing() == 0,
          Duration.ofSeconds(shortRun ? 120 : 180),
          "every accepted run delivered");
      table.add(
          new String[] {
            "final drain",
            "-",
            String.format(
                "last webhook %.1f s after the load stopped", (System.nanoTime() - drain) / 1e9)
          });
      return summary(recovered);
    } catch (IllegalStateException timeout) {
      System.out.println("FAILED: " + timeout.getMessage());
      summary(false);
      return 1;
    } finally {
      sending = false;
      for (StageProcess p :
          List.of(gateway, scheduler, dispatcher, workers.get(0), workers.get(1), broker)) {
        try {
          p.stop();
        } catch (Exception ignored) {
          // already gone
        }
      }
      System.out.println("logs: " + work);
    }
  }

  /**
   * 200 predicts/s for about 30 s; each stage is killed and started again two seconds later, while
   * the load and the previous fault's catch-up go on. The load runs until the restarted gateway has
   * served it for 5 s; only then does it wait for every webhook.
   */
  private int unsettled(
      int gatewayPort,
      StageProcess worker,
      StageProcess scheduler,
      StageProcess dispatcher,
      StageProcess gateway)
      throws InterruptedException {
    startLoad(gatewayPort, 200);
    Duration down = Duration.ofSeconds(2);
    phase("warm-up", Duration.ofSeconds(5));
    for (StageProcess stage : List.of(worker, scheduler, dispatcher, gateway)) {
      phase = "kill -9 " + stage.name();
      stage.kill();
      phase("kill -9 " + stage.name(), down);
      phase = stage.name() + " restarted";
      stage.start();
      if (stage == gateway) {
        long since = System.nanoTime();
        int before = accepted.size();
        waitFor(() -> httpOk(gatewayPort), Duration.ofSeconds(60), "gateway listening again");
        table.add(
            new String[] {
              "gateway starting",
              Integer.toString(accepted.size() - before),
              String.format(
                  "listening %.1f s after the restart %s",
                  (System.nanoTime() - since) / 1e9, refusalsText())
            });
        refusals.clear();
      }
      phase(stage.name() + " restarted", Duration.ofSeconds(5));
    }
    sending = false;
    phase = "final drain";
    long drain = System.nanoTime();
    try {
      waitFor(() -> missing() == 0, Duration.ofSeconds(180), "every accepted run delivered");
    } catch (IllegalStateException timeout) {
      System.out.println("FAILED: " + timeout.getMessage());
      summary(false);
      return 1;
    }
    double lastWebhook = (System.nanoTime() - drain) / 1e9;
    // duplicates may still be on their way (a retry tier, a re-run): give them a moment to show
    Thread.sleep(10_000);
    table.add(
        new String[] {
          "final drain",
          "-",
          String.format(
              "last webhook %.1f s after the load stopped; duplicates counted 10 s longer",
              lastWebhook)
        });
    return summary(true);
  }

  private void phase(String name, Duration length) throws InterruptedException {
    phase = name;
    int before = accepted.size();
    Thread.sleep(length.toMillis()); // chaos timeline: the load keeps running meanwhile
    table.add(new String[] {name, Integer.toString(accepted.size() - before), refusalsText()});
    refusals.clear();
  }

  /**
   * Restarts a killed stage and waits until every run accepted so far has its webhook, so each
   * fault hits a system in its steady state rather than one still working off the previous fault's
   * backlog (a dispatcher killed in the burst a re-joined worker releases measures two faults at
   * once); reports how long the stage took to catch up.
   */
  private void restart(String name, StageProcess stage, BooleanSupplier up)
      throws InterruptedException {
    phase = name;
    long since = System.nanoTime();
    int before = accepted.size();
    stage.start();
    waitFor(up, Duration.ofSeconds(60), name + ": listening");
    Set<String> backlog = Set.copyOf(accepted);
    waitFor(
        () -> backlog.stream().allMatch(webhooks::containsKey),
        Duration.ofSeconds(60),
        "the backlog after: " + name);
    table.add(
        new String[] {
          name,
          Integer.toString(accepted.size() - before),
          String.format(
              "backlog delivered %.1f s after the restart %s",
              (System.nanoTime() - since) / 1e9, refusalsText())
        });
    refusals.clear();
  }

  private void startLoad(int port, int perSecond) {
    vertx.setPeriodic(
        1000 / perSecond,
        id -> {
          if (!sending) {
            vertx.cancelTimer(id);
            return;
          }
          JsonObject body =
              new JsonObject()
                  .put("delayMins", 0.02)
                  .put("webhook_endpoint", "http://127.0.0.1:" + receiverPort + "/hook");
          client
              .request(
                  new RequestOptions()
                      .setMethod(HttpMethod.POST)
                      .setHost("127.0.0.1")
                      .setPort(port)
                      .setURI("/v3/p-chaos/webhook-delay-example/predict")
                      .setTimeout(10_000)
                      .putHeader("Content-Type", "application/json")
                      .putHeader("Authorization", "chaos-key"))
              .compose(req -> req.send(body.toBuffer()))
              .compose(
                  resp ->
                      resp.body()
                          .map(
                              b -> {
                                if (resp.statusCode() == 202) {
                                  accepted.add(b.toJsonObject().getString("run_id"));
                                } else {
                                  refusals
                                      .computeIfAbsent(
                                          Integer.toString(resp.statusCode()),
                                          k -> new AtomicInteger())
                                      .incrementAndGet();
                                }
                                return (Void) null;
                              }))
              .recover(
                  e -> {
                    refusals
                        .computeIfAbsent(noAnswer(e), k -> new AtomicInteger())
                        .incrementAndGet();
                    return Future.succeededFuture();
                  });
        });
  }

  /** Tells a refused connection (the gateway is down) from a request left unanswered. */
  private static String noAnswer(Throwable e) {
    if (e instanceof java.net.ConnectException) {
      return "connection refused";
    }
    if (e instanceof java.util.concurrent.TimeoutException
        || String.valueOf(e.getMessage()).contains("timeout")) {
      return "no answer in 10 s";
    }
    return "no answer (" + e.getClass().getSimpleName() + ")";
  }

  private void startReceiver() {
    receiver =
        WebhookServer.listen(
                vertx,
                receiverPort,
                (req, body) -> {
                  String runId = body.toJsonObject().getString("run_id");
                  if (webhooks.computeIfAbsent(runId, k -> new AtomicInteger()).incrementAndGet()
                      > 1) {
                    duplicatesByPhase
                        .computeIfAbsent(phase, k -> new AtomicInteger())
                        .incrementAndGet();
                    duplicateRuns.add(runId);
                  }
                  String id = req.getHeader("webhook-id");
                  if (id != null) {
                    String first = webhookIds.putIfAbsent(runId, id);
                    if (first != null && !first.equals(id)) {
                      webhookIdChanged.incrementAndGet();
                    }
                  }
                  req.response().setStatusCode(200).end();
                })
            .await();
  }

  private long missing() {
    return accepted.stream().filter(id -> !webhooks.containsKey(id)).count();
  }

  private int summary(boolean recovered) {
    long missing = missing();
    int duplicates =
        accepted.stream()
            .mapToInt(id -> webhooks.containsKey(id) ? webhooks.get(id).get() - 1 : 0)
            .sum();
    double duplicateRate = accepted.isEmpty() ? 0 : 100.0 * duplicates / accepted.size();
    System.out.printf(
        "%n%-22s %-10s %-12s %s%n", "phase", "accepted", "duplicates", "refused / notes");
    for (String[] row : table) {
      AtomicInteger dup = duplicatesByPhase.get(row[0]);
      System.out.printf(
          "%-22s %-10s %-12s %s%n", row[0], row[1], dup == null ? 0 : dup.get(), row[2]);
    }
    System.out.printf(
        "%naccepted %d, delivered %d, missing %d, duplicates %d (%.2f %%), webhook-id changed %d, recovered within 30 s: %s%n",
        accepted.size(),
        accepted.size() - missing,
        missing,
        duplicates,
        duplicateRate,
        webhookIdChanged.get(),
        recovered);
    duplicateRuns.stream()
        .limit(5)
        .forEach(
            id -> System.out.println("duplicate: " + id + "   (./run.sh ops trace " + id + ")"));
    accepted.stream()
        .filter(id -> !webhooks.containsKey(id))
        .limit(10)
        .forEach(id -> System.out.println("missing: " + id + "   (./run.sh ops trace " + id + ")"));
    boolean ok =
        missing == 0
            && duplicateRate <= 1.0
            && webhookIdChanged.get() == 0
            && recovered
            && !accepted.isEmpty();
    System.out.println(ok ? "CHAOS PASSED" : "CHAOS FAILED");
    return ok ? 0 : 1;
  }

  private String refusalsText() {
    return refusals.isEmpty() ? "" : refusals.toString();
  }

  private boolean httpOk(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static void waitForPort(int port, Duration timeout) throws InterruptedException {
    waitFor(
        () -> {
          try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
          } catch (Exception e) {
            return false;
          }
        },
        timeout,
        "port " + port);
  }

  private static void waitFor(BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(100);
    }
  }
}
