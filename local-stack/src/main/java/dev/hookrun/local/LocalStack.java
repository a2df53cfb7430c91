package dev.hookrun.local;

import dev.hookrun.common.metrics.Meters;
import dev.hookrun.common.metrics.ServiceMetrics;
import dev.hookrun.dispatcher.DispatcherConfig;
import dev.hookrun.dispatcher.DispatcherVerticle;
import dev.hookrun.gateway.GatewayConfig;
import dev.hookrun.gateway.GatewayVerticle;
import dev.hookrun.kafka.EmbeddedKafkaBroker;
import dev.hookrun.scheduler.SchedulerConfig;
import dev.hookrun.scheduler.SchedulerVerticle;
import dev.hookrun.worker.WorkerConfig;
import dev.hookrun.worker.WorkerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;

/**
 * The whole platform in one process: a broker (unless KAFKA_BOOTSTRAP_SERVERS names a cluster),
 * then worker, scheduler, dispatcher and gateway, each configured from the same environment exactly
 * as it would be when run alone.
 */
public final class LocalStack implements RunningStack {

  private final Map<String, String> env;
  private final LocalStackConfig config;
  private EmbeddedKafkaBroker broker;
  private Vertx vertx;
  private GatewayVerticle gateway;
  private GatewayConfig gatewayConfig;
  private DispatcherConfig dispatcherConfig;

  /**
   * @throws dev.hookrun.common.config.ConfigException when the run's settings are invalid or it
   *     would open the development key to the network ({@link DevKeyExposure})
   */
  public LocalStack(Map<String, String> env) {
    this.env = env;
    this.config = LocalStackConfig.fromEnv(env);
    DevKeyExposure.check(env);
  }

  /** Starts everything; the future completes once the gateway listens. */
  public Future<Void> start() {
    if (!config.externalKafka()) {
      broker =
          new EmbeddedKafkaBroker(config.dataDir().resolve("kafka"), config.kafkaPort()).start();
      Meters.trackBrokerRequests(EmbeddedKafkaBroker::requestCounts);
    }
    StageEnvironment stages =
        StageEnvironment.of(env, config, broker == null ? null : broker.bootstrapServers());
    gatewayConfig = stages.gatewayConfig();
    WorkerConfig workerConfig = WorkerConfig.fromEnv(stages.backend());
    SchedulerConfig schedulerConfig = SchedulerConfig.fromEnv(stages.backend());
    DispatcherConfig dispatcherConfig = DispatcherConfig.fromEnv(stages.dispatcher());
    this.dispatcherConfig = dispatcherConfig;

    vertx = ServiceMetrics.newVertx();
    gateway = new GatewayVerticle(gatewayConfig);
    return vertx
        .deployVerticle(
            () -> new WorkerVerticle(workerConfig),
            new DeploymentOptions().setInstances(workerConfig.instances()))
        .compose(id -> vertx.deployVerticle(new SchedulerVerticle(schedulerConfig)))
        .compose(id -> vertx.deployVerticle(new DispatcherVerticle(dispatcherConfig)))
        .compose(id -> vertx.deployVerticle(gateway))
        .mapEmpty();
  }

  @Override
  public int gatewayPort() {
    return gateway.actualPort();
  }

  @Override
  public String adminHost() {
    return gatewayConfig.adminHttpHost();
  }

  @Override
  public int adminPort() {
    return gateway.adminPort();
  }

  @Override
  public boolean opsEnabled() {
    return gatewayConfig.ops().adminKey() != null;
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
