package dev.hookrun.local;

import dev.hookrun.common.config.ConfigException;
import dev.hookrun.common.metrics.ServiceMetrics;
import dev.hookrun.dispatcher.DispatcherConfig;
import dev.hookrun.dispatcher.DispatcherVerticle;
import dev.hookrun.gateway.GatewayConfig;
import dev.hookrun.gateway.GatewayVerticle;
import dev.hookrun.worker.WorkerConfig;
import dev.hookrun.worker.WorkerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One stage of the per-stage run ({@link StageProcesses}), warmed up in its own JVM before the run
 * says ready.
 *
 * <p>A JVM compiles only what runs in it, so with the stages in JVMs of their own the one-process
 * run's warm-up would warm none of them; without one, 10,000 runs at full load were not enough for
 * the stages' C2 compilers to settle on two cores, and the next 20,000 still cost 0.6 ms of
 * compiler time per run (docs/PERFORMANCE.md). So each stage's process deploys, beside its real
 * stage, its own stage of one shared {@link WarmUpStack} (topics and groups of the warm-up's, named
 * from the run's TOPIC_PREFIX): each JVM compiles the code of its own stage only, as it will run
 * it. The gateway's process sends the warm-up's runs ({@link WarmUp}) until they are delivered and
 * the compilers of every JVM of the run have gone quiet ({@link CompilerThreads}). The run, seeing
 * that on the gateway's {@code /readyz}, has the worker and the dispatcher stop their warm-up stage
 * (a line on their standard input: {@link #untilTold}), deletes the warm-up's topics and groups,
 * and tells the gateway the same way, which only then says ready.
 */
final class StageWarmUp {

  /** The warm-up's topics and groups are those of the one-process run's first round. */
  static final int ROUND = 1;

  private static final Duration GRACE = Duration.ofSeconds(60);

  /** The gateway's {@code /readyz} check that its warm-up's runs were all sent and delivered. */
  static final String WARMED_UP_CHECK = "warm_up";

  /**
   * The gateway's {@code /readyz} check that the run stopped the other stages' warm-up and deleted
   * its topics: that work is done before the first real request, as in the one-process run.
   */
  static final String OTHERS_STOPPED_CHECK = "warm_up_ended";

  private StageWarmUp() {}

  /** Runs {@code stage} (gateway, worker or dispatcher) of this process's environment, warmed. */
  static void run(String stage) {
    Map<String, String> env = System.getenv();
    Vertx vertx;
    Future<Void> started;
    try {
      LocalStackConfig local = LocalStackConfig.fromEnv(env);
      vertx = ServiceMetrics.newVertx();
      WarmUpStack warmUp = new WarmUpStack(vertx, env, ROUND);
      started =
          switch (stage) {
            case "gateway" -> gateway(vertx, GatewayConfig.fromEnv(env), local, warmUp);
            case "worker" -> worker(vertx, WorkerConfig.fromEnv(env), warmUp);
            case "dispatcher" -> dispatcher(vertx, DispatcherConfig.fromEnv(env), warmUp);
            default -> throw new IllegalArgumentException("no stage " + stage);
          };
    } catch (ConfigException e) {
      System.err.println(stage + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    // SIGTERM (the run stopping): the stages stop as in their own mains, draining
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> vertx.close().await(), stage + "-shutdown"));
    started.onFailure(
        e -> {
          System.err.println(stage + " failed to start: " + e);
          // not from the event loop: the shutdown hook waits for Vert.x to close
          new Thread(() -> System.exit(1), "exit").start();
        });
  }

  /**
   * The real gateway, ready only once the warm-up's runs went through the warm-up's gateway beside
   * it and were delivered (or the warm-up gave up), and the run ended the other stages' warm-up.
   */
  private static Future<Void> gateway(
      Vertx vertx, GatewayConfig config, LocalStackConfig local, WarmUpStack warmUp) {
    AtomicBoolean warmed = new AtomicBoolean();
    AtomicBoolean othersStopped = new AtomicBoolean();
    GatewayVerticle gateway =
        new GatewayVerticle(config)
            .readyOnlyWhen(WARMED_UP_CHECK, warmed::get)
            .readyOnlyWhen(OTHERS_STOPPED_CHECK, othersStopped::get);
    untilTold(() -> othersStopped.set(true));
    Duration settle = local.warmUpSettleMax();
    // a warm-up that fails only leaves the run colder: the real gateway starts anyway
    return vertx
        .deployVerticle(gateway)
        .compose(
            id ->
                warmUp
                    .deployGateway()
                    .compose(
                        v ->
                            new WarmUp(
                                    vertx,
                                    "127.0.0.1",
                                    warmUp.apiKey(),
                                    WarmUpStack.PROJECT,
                                    CompilerThreads.ofThisRun())
                                .run(warmUp.port(), local.warmUpRuns(), settle, settle.plus(GRACE)))
                    .otherwiseEmpty()
                    .eventually(warmUp::undeploy))
        .onSuccess(v -> warmed.set(true));
  }

  private static Future<Void> worker(Vertx vertx, WorkerConfig config, WarmUpStack warmUp) {
    return vertx
        .deployVerticle(
            () -> new WorkerVerticle(config),
            new DeploymentOptions().setInstances(config.instances()))
        .compose(id -> warmUp.deployWorker().otherwiseEmpty())
        .onSuccess(v -> untilTold(warmUp::undeploy));
  }

  private static Future<Void> dispatcher(Vertx vertx, DispatcherConfig config, WarmUpStack warmUp) {
    return vertx
        .deployVerticle(new DispatcherVerticle(config))
        .compose(id -> warmUp.deployDispatcher().otherwiseEmpty())
        .onSuccess(v -> untilTold(warmUp::undeploy));
  }

  /**
   * Runs {@code then} once a line arrives on standard input, or it ends (the run is gone: its
   * stages stop anyway), from a thread of its own, since the read blocks.
   */
  private static void untilTold(Runnable then) {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                in.readLine();
              } catch (IOException e) {
                // as if the line had come: nothing more will
              }
              then.run();
            },
            "warm-up-end");
    reader.setDaemon(true);
    reader.start();
  }
}
