package dev.hookrun.gateway;

import dev.hookrun.common.config.ConfigException;
import dev.hookrun.common.metrics.ServiceMetrics;
import io.vertx.core.Vertx;

/** Runs one gateway process against the cluster named by KAFKA_BOOTSTRAP_SERVERS. */
public final class GatewayMain {

  private GatewayMain() {}

  public static void main(String[] args) {
    GatewayConfig config;
    try {
      config = GatewayConfig.fromEnv(System.getenv());
    } catch (ConfigException e) {
      System.err.println("gateway: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = ServiceMetrics.newVertx();
    vertx
        .deployVerticle(new GatewayVerticle(config))
        .onFailure(
            e -> {
              System.err.println("gateway failed to start: " + e);
              // exit from another thread: the shutdown hook closes Vert.x and waits for it,
              // which an event-loop thread calling exit would deadlock on
              new Thread(() -> System.exit(1), "exit").start();
            });
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> vertx.close().await(), "gateway-shutdown"));
  }
}
