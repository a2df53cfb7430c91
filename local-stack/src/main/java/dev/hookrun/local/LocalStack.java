package dev.hookrun.local;

import dev.hookrun.common.metrics.Meters;
import dev.hookrun.common.metrics.ServiceMetrics;
import dev.hookrun.dispatcher.DispatcherConfig;
import dev.hookrun.dispatcher.DispatcherVerticle;
import dev.hookrun.gateway.GatewayConfig;
import dev.hookrun.gateway.GatewayVerticle;
import dev.hookrun.kafka.EmbeddedKafkaBroker;
import dev.hookrun.worker.WorkerConfig;
import dev.hookrun.worker.WorkerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The whole platform in one process: a broker (unless KAFKA_BOOTSTRAP_SERVERS names a cluster),
 * then worker, dispatcher and gateway, each configured from the same environment exactly as it
 * would be when run alone.
 */
public final class LocalStack implements RunningStack {

  private final Map<String, String> env;
  private final LocalStackConfig config;
  private EmbeddedKafkaBroker broker;
  private Vertx vertx;
  private GatewayVerticle gateway;
  private GatewayConfig gatewayConfig;
  private DispatcherConfig dispatcherConfig;
  private final List<WarmUp> warmUps = new CopyOnWriteArrayList<>();
  private volatile boolean warmedUp;

  /**
   * A warm-up whose webhooks take this much longer than its sending ends there: the stack is ready,
   * only colder.
   */
  private static final Duration WARM_UP_GRACE = Duration.ofSeconds(60);

  /**
   * The second warm-up round's settling load, at most: the code is hot by then, and it only has to
   * recompile what the first round's teardown threw away (its compilers went quiet after ~10 s).
   */
  private static final Duration SECOND_ROUND_SETTLE = Duration.ofSeconds(15);

  public LocalStack(Map<String, String> env) {
    this.env = env;
    this.config = LocalStackConfig.fromEnv(env);
  }

  /**
   * Starts everything; the future completes once the gateway listens and the warm-up ended ({@code
   * /readyz} says ready from then on).
   */
  public Future<Void> start() {
    if (!config.externalKafka()) {
      broker =
          new EmbeddedKafkaBroker(config.dataDir().resolve("kafka"), config.kafkaPort()).start();
      Meters.trackBrokerRequests(EmbeddedKafkaBroker::requestCounts);
    }
    StageEnvironment stages =
        StageEnvironment.of(env, config, broker == null ? null : broker.bootstrapServers());
    Map<String, String> stageEnv = stages.gateway();
    gatewayConfig = stages.gatewayConfig();
    WorkerConfig workerConfig = WorkerConfig.fromEnv(stages.backend());
    DispatcherConfig dispatcherConfig = DispatcherConfig.fromEnv(stages.dispatcher());
    this.dispatcherConfig = dispatcherConfig;

    vertx = ServiceMetrics.newVertx();
    gateway = new GatewayVerticle(gatewayConfig);
    gateway.readyOnlyWhen("warm_up", () -> warmedUp);
    return vertx
        .deployVerticle(
            () -> new WorkerVerticle(workerConfig),
            new DeploymentOptions().setInstances(workerConfig.instances()))
        .compose(id -> vertx.deployVerticle(new DispatcherVerticle(dispatcherConfig)))
        .compose(id -> vertx.deployVerticle(gateway))
        .compose(id -> warmUp(stageEnv))
        .onComplete(r -> warmedUp = true);
  }

  /**
   * The warm-up, through stages of its own that are thrown away after it (WarmUpStack); never
   * fails: a stack that could not warm up is ready, only colder.
   *
   * <p>Two rounds, each on stages of its own. The first warms everything; its teardown (undeploying
   * its verticles, closing their clients, deleting their topics and groups) then takes branches of
   * hot Vert.x, Netty and Kafka code that no run took, and the JIT throws away the compiled code of
   * every method with such a branch: ~500 deoptimizations, and ~10 s of recompiling under the first
   * real load. The second round recompiles those methods with the branches in their profiles, so
   * its own teardown throws away little (docs/PERFORMANCE.md, fifth session).
   */
  private Future<Void> warmUp(Map<String, String> stageEnv) {
    if (config.warmUpRuns() <= 0) {
      return Future.succeededFuture();
    }
    Duration secondSettle =
        config.warmUpSettleMax().compareTo(SECOND_ROUND_SETTLE) < 0
            ? config.warmUpSettleMax()
            : SECOND_ROUND_SETTLE;
    return warmUpRound(stageEnv, 1, config.warmUpSettleMax())
        .compose(v -> warmUpRound(stageEnv, 2, secondSettle));
  }

  private Future<Void> warmUpRound(Map<String, String> stageEnv, int round, Duration settle) {
    WarmUpStack stages = new WarmUpStack(vertx, stageEnv, round);
    WarmUp warmUp =
        new WarmUp(
            vertx, "127.0.0.1", stages.apiKey(), WarmUpStack.PROJECT, JitActivity.ofThisJvm());
    warmUps.add(warmUp);
    return stages
        .deploy()
        .compose(
            v -> warmUp.run(stages.port(), config.warmUpRuns(), settle, settle.plus(WARM_UP_GRACE)))
        .otherwiseEmpty()
        .eventually(() -> stages.discard(broker == null ? null : broker.logDir()));
  }

  @Override
  public int gatewayPort() {
    return gateway.actualPort();
  }

  /** Runs the warm-up had sent when it ended. */
  public int warmUpSent() {
    return warmUps.stream().mapToInt(WarmUp::sent).sum();
  }

  /** Runs the warm-up had accepted when it ended (all delivered unless it timed out). */
  public int warmUpAccepted() {
    return warmUps.stream().mapToInt(WarmUp::accepted).sum();
  }

  /** Webhooks of warm-up runs that had arrived when it ended. */
  public int warmUpDelivered() {
    return warmUps.stream().mapToInt(WarmUp::delivered).sum();
  }

  /** The address the gateway listens on (after {@link #start}). */
  @Override
  public String gatewayHost() {
    return gatewayConfig.httpHost();
  }

  @Override
  public String bootstrapServers() {
    return broker != null ? broker.bootstrapServers() : env.get("KAFKA_BOOTSTRAP_SERVERS");
  }

  @Override
  public LocalStackConfig config() {
    return config;
  }

  /** The dispatcher's configuration as started (after {@link #start}). */
  @Override
  public DispatcherConfig dispatcherConfig() {
    return dispatcherConfig;
  }

  /** Stops the stages first (workers drain and commit), then the broker. */
  @Override
  public void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
    if (broker != null) {
      broker.stop();
    }
  }
}
