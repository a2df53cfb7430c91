package dev.hookrun.local;

import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.kafka.TopicSpec;
import dev.hookrun.dispatcher.DispatcherConfig;
import dev.hookrun.dispatcher.DispatcherVerticle;
import dev.hookrun.gateway.GatewayConfig;
import dev.hookrun.gateway.GatewayVerticle;
import dev.hookrun.scheduler.SchedulerConfig;
import dev.hookrun.scheduler.SchedulerVerticle;
import dev.hookrun.testkit.TestEnv;
import dev.hookrun.testkit.TestHttp;
import dev.hookrun.testkit.WebhookReceiver;
import dev.hookrun.worker.WorkerConfig;
import dev.hookrun.worker.WorkerVerticle;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One isolated installation on the shared broker (its own topic prefix and group ids), with stages
 * deployed on demand, each in its own Vert.x instance as if it were its own process. Registered as
 * a test's extension ({@code @RegisterExtension}) it closes itself after each test.
 */
final class TestStack implements AutoCloseable, AfterEachCallback {

  static final String KEY = "key-" + UUID.randomUUID();
  static final String OTHER_KEY = "other-" + UUID.randomUUID();
  static final String PROJECT = "p-test";
  static final String OTHER_PROJECT = "p-other";

  final KafkaSettings kafka;
  final String workerGroup = "workers-" + UUID.randomUUID();
  final String dispatcherGroup = "dispatchers-" + UUID.randomUUID();
  final String schedulerGroup = "scheduler-" + UUID.randomUUID();
  private SchedulerVerticle scheduler;
  private Vertx schedulerProcess;
  private final List<Vertx> processes = new ArrayList<>();

  TestStack() {
    this(Duration.ofHours(24));
  }

  /** An installation whose runs stay readable for {@code runRetention}. */
  TestStack(Duration runRetention) {
    kafka =
        KafkaSettings.local(TestKafka.bootstrapServers(), "t-" + UUID.randomUUID() + ".")
            .withSessionTimeout(Duration.ofSeconds(6))
            .withRunRetention(runRetention);
  }

  /** Creates topics with a test's own layout before any stage would create them its way. */
  void createTopics(List<TopicSpec> specs) {
    try {
      TopicInitializer.ensureBlocking(kafka, specs);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  Vertx newProcess() {
    Vertx vertx = Vertx.vertx();
    processes.add(vertx);
    return vertx;
  }

  /**
   * The environment of a gateway on 127.0.0.1 (any free port) of the installation {@code kafka}
   * with {@code apiKeys} ({@code key=project,...}), then {@code extra}.
   */
  static Map<String, String> gatewayEnv(
      KafkaSettings kafka, String apiKeys, Map<String, String> extra) {
    return TestEnv.gateway(kafka.bootstrapServers(), kafka.topicPrefix(), apiKeys, extra);
  }

  /** A gateway with the given extra settings, e.g. SYNC_TIMEOUT. */
  Gateway gateway(Map<String, String> extra) {
    Map<String, String> settings =
        new HashMap<>(Map.of("RUN_RETENTION", kafka.runRetention().toMillis() + "ms"));
    settings.putAll(extra);
    Map<String, String> env =
        gatewayEnv(kafka, KEY + "=" + PROJECT + "," + OTHER_KEY + "=" + OTHER_PROJECT, settings);
    Vertx process = newProcess();
    GatewayVerticle verticle = new GatewayVerticle(GatewayConfig.fromEnv(env));
    process.deployVerticle(verticle).await();
    return new Gateway(process, verticle, new TestHttp(verticle.actualPort(), KEY));
  }

  Gateway gateway() {
    return gateway(Map.of());
  }

  record Gateway(Vertx process, GatewayVerticle verticle, TestHttp http) {}

  /**
   * A worker; the installation's scheduler starts with the first one (workers get their runs only
   * through it).
   */
  Worker worker(String id, WorkerConfig tweak) {
    if (scheduler == null) {
      scheduler();
    }
    Vertx process = newProcess();
    WorkerVerticle verticle = new WorkerVerticle(tweak);
    process.deployVerticle(verticle).await();
    return new Worker(process, verticle);
  }

  Worker worker(String id) {
    return worker(id, workerConfig(id));
  }

  WorkerConfig workerConfig(String id) {
    return WorkerConfig.defaults(kafka, id)
        .withGroupId(workerGroup)
        .withDrainTimeout(Duration.ofSeconds(5));
  }

  record Worker(Vertx process, WorkerVerticle verticle) {}

  /** The installation's scheduler, in a process of its own. */
  SchedulerVerticle scheduler() {
    Vertx process = newProcess();
    schedulerProcess = process;
    scheduler =
        new SchedulerVerticle(
            SchedulerConfig.defaults(kafka)
                .withGroupId(schedulerGroup)
                .withWorkerLeaseTimeout(Duration.ofSeconds(5)));
    process.deployVerticle(scheduler).await();
    return scheduler;
  }

  /** Stops the installation's scheduler as a killed process would go (its group session ends). */
  void stopScheduler() {
    schedulerProcess.close().await();
  }

  DispatcherVerticle dispatcher() {
    return dispatcher(
        DispatcherConfig.defaults(kafka).withGroupId(dispatcherGroup).withLoopbackAllowed());
  }

  DispatcherConfig dispatcherConfig() {
    return DispatcherConfig.defaults(kafka).withGroupId(dispatcherGroup).withLoopbackAllowed();
  }

  DispatcherVerticle dispatcher(DispatcherConfig config) {
    Vertx process = newProcess();
    DispatcherVerticle verticle = new DispatcherVerticle(config);
    process.deployVerticle(verticle).await();
    return verticle;
  }

  /** A webhook receiver in a process of its own, closed with the stack. */
  WebhookReceiver receiver() {
    return new WebhookReceiver(newProcess());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  @Override
  public void close() {
    for (Vertx process : processes) {
      try {
        process.close().await();
      } catch (RuntimeException alreadyClosed) {
        // a test stopped it on purpose
      }
    }
  }
}
