package dev.hookrun.dispatcher;

import dev.hookrun.common.config.ConfigException;
import dev.hookrun.common.metrics.ServiceMetrics;
import io.vertx.core.Vertx;

/** Runs one webhook dispatcher process against KAFKA_BOOTSTRAP_SERVERS. */
public final class DispatcherMain {

  private DispatcherMain() {}

  public static void main(String[] args) {
    DispatcherConfig config;
    try {
      config = DispatcherConfig.fromEnv(System.getenv());
    } catch (ConfigException e) {
      System.err.println("webhook-dispatcher: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = ServiceMetrics.newVertx();
    vertx
        .deployVerticle(new DispatcherVerticle(config))
        .onFailure(
            e -> {
              System.err.println("webhook-dispatcher failed to start: " + e);
              // exit from another thread: the shutdown hook closes Vert.x and waits for it,
              // which an event-loop thread calling exit would deadlock on
              new Thread(() -> System.exit(1), "exit").start();
            });
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> vertx.close().await(), "dispatcher-shutdown"));
  }
}
