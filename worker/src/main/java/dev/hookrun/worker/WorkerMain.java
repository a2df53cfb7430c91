package dev.hookrun.worker;

import dev.hookrun.common.config.ConfigException;
import dev.hookrun.common.metrics.ServiceMetrics;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;

/** Runs one worker process: WORKER_INSTANCES group members against KAFKA_BOOTSTRAP_SERVERS. */
public final class WorkerMain {

  private WorkerMain() {}

  public static void main(String[] args) {
    WorkerConfig config;
    try {
      config = WorkerConfig.fromEnv(System.getenv());
    } catch (ConfigException e) {
      System.err.println("worker: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = ServiceMetrics.newVertx();
    WorkerConfig finalConfig = config;
    vertx
        .deployVerticle(
            () -> new WorkerVerticle(finalConfig),
            new DeploymentOptions().setInstances(config.instances()))
        .onFailure(
            e -> {
              System.err.println("worker failed to start: " + e);
              // exit from another thread: the shutdown hook closes Vert.x and waits for it,
              // which an event-loop thread calling exit would deadlock on
              new Thread(() -> System.exit(1), "exit").start();
            });
    // SIGTERM: undeploying drains in-flight runs (up to DRAIN_TIMEOUT) and leaves the group.
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> vertx.close().await(), "worker-shutdown"));
  }
}
