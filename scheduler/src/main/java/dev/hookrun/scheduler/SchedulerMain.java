package dev.hookrun.scheduler;

import dev.hookrun.common.config.ConfigException;
import dev.hookrun.common.metrics.ServiceMetrics;
import io.vertx.core.Vertx;

/** Runs one scheduler against KAFKA_BOOTSTRAP_SERVERS. */
public final class SchedulerMain {

  private SchedulerMain() {}

  public static void main(String[] args) {
    SchedulerConfig config;
    try {
      config = SchedulerConfig.fromEnv(System.getenv());
    } catch (ConfigException e) {
      System.err.println("scheduler: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = ServiceMetrics.newVertx();
    vertx
        .deployVerticle(new SchedulerVerticle(config))
        .onFailure(
            e -> {
              System.err.println("scheduler failed to start: " + e);
              // exit from another thread: the shutdown hook closes Vert.x and waits for it,
              // which an event-loop thread calling exit would deadlock on
              new Thread(() -> System.exit(1), "exit").start();
            });
    // SIGTERM: undeploying commits what finished and leaves the group, so another scheduler
    // takes the partitions at once
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> vertx.close().await(), "scheduler-shutdown"));
  }
}
