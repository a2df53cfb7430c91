package dev.hookrun.local;

import dev.hookrun.common.config.ConfigException;
import dev.hookrun.dispatcher.DispatcherConfig;
import dev.hookrun.gateway.GatewayConfig;
import dev.hookrun.kafka.EmbeddedKafkaBroker;
import dev.hookrun.results.ResultStoreSettings;
import dev.hookrun.scheduler.SchedulerConfig;
import dev.hookrun.worker.WorkerConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local run with each stage in a process of its own ({@code LOCAL_PROCESSES=per-stage}): this
 * process keeps the broker, as a Kafka node of its own would, and starts the worker, the dispatcher
 * and the gateway as child JVMs with this JVM's options, each reading the environment it reads in
 * the one-process run ({@link StageEnvironment}). It is the shape the stages have in production, on
 * one machine, so the two can be measured side by side (docs/PERFORMANCE.md).
 *
 * <p>The children end with this process: each watches it and stops (draining, as on SIGTERM) when
 * it is gone, so a run killed with SIGKILL leaves no stage behind.
 *
 * <p>Over 300 lines (as formatted) on purpose: the start, readiness wait, drain and watchdog of the
 * stage processes share each child's process state.
 */
public final class StageProcesses implements RunningStack {

  private static final Logger LOG = LoggerFactory.getLogger(StageProcesses.class);

  /** The command line argument that starts a stage as a child of this run (LocalStackMain). */
  static final String CHILD_COMMAND = "stage-of";

  private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration READY_POLL = Duration.ofMillis(200);

  /**
   * JVM options of this process that a child must not repeat: what opens a port, or writes a file
   * that four JVMs would then share (an agent, a debugger, a recording, a log to a file, JMX).
   */
  private static final List<String> NOT_INHERITED =
      List.of(
          "-agentlib:",
          "-agentpath:",
          "-javaagent:",
          "-Xrunjdwp",
          "-XX:StartFlightRecording",
          "-XX:AOTCacheOutput",
          "-XX:AOTConfiguration",
          "-XX:AOTMode",
          "-XX:ArchiveClassesAtExit",
          "-Dcom.sun.management.jmxremote");

  private final Map<String, String> env;
  private final LocalStackConfig config;
  private final Map<String, Process> children = new LinkedHashMap<>();
  private final CompletableFuture<String> lost = new CompletableFuture<>();
  private EmbeddedKafkaBroker broker;
  private StageEnvironment stages;
  private DispatcherConfig dispatcherConfig;
  private int adminPort;
  private Duration drainTimeout;
  private volatile boolean stopping;

  private final ProcessBuilder.Redirect output;

  /**
   * @throws ConfigException when the run's settings are invalid or it would open the development
   *     key to the network ({@link DevKeyExposure})
   */
  public StageProcesses(Map<String, String> env) {
    this(env, ProcessBuilder.Redirect.INHERIT);
  }

  /**
   * @param output where the stages' output goes (this process's own by default, so that one
   *     terminal shows the whole run)
   */
  StageProcesses(Map<String, String> env, ProcessBuilder.Redirect output) {
    this.env = env;
    this.config = LocalStackConfig.fromEnv(env);
    DevKeyExposure.check(env);
    this.output = output;
  }

  /**
   * Starts the broker and the four stages and returns once the gateway's {@code /readyz} says
   * ready.
   *
   * @throws ConfigException when a stage's settings are invalid (checked here, before any child
   *     starts) or HTTP_PORT is 0 (this process could not tell where the gateway listens)
   * @throws IllegalStateException when a stage exits or the gateway is not ready within 5 minutes
   */
  public void start() {
    if (!config.externalKafka()) {
      broker =
          new EmbeddedKafkaBroker(config.dataDir().resolve("kafka"), config.kafkaPort()).start();
    }
    stages = StageEnvironment.of(env, config, broker == null ? null : broker.bootstrapServers());
    if (stages.gatewayConfig().httpPort() == 0) {
      throw new ConfigException(
          List.of("HTTP_PORT: LOCAL_PROCESSES=per-stage needs a fixed port, not 0"));
    }
    drainTimeout = WorkerConfig.fromEnv(stages.backend()).drainTimeout();
    SchedulerConfig.fromEnv(stages.backend()); // its settings are checked before any child starts
    dispatcherConfig = DispatcherConfig.fromEnv(stages.dispatcher());
    String secret = resultUrlSecret(env);
    launch("worker", withSecret(stages.backend(), secret));
    launch("scheduler", stages.backend());
    launch("dispatcher", withSecret(stages.dispatcher(), secret));
    adminPort = stages.gatewayConfig().adminHttpPort();
    if (adminPort == 0) {
      // the gateway's own free port would be known to its process only: the banner needs it here
      adminPort = freePort(stages.gatewayConfig().adminHttpHost());
    }
    Map<String, String> gatewayEnv = withSecret(stages.gateway(), secret);
    gatewayEnv.put(GatewayConfig.ADMIN_HTTP_PORT.name(), Integer.toString(adminPort));
    launch("gateway", gatewayEnv);
    awaitGateway();
  }

  /** Completes with the stage's name when one of the stages exits while the run is not stopping. */
  public CompletableFuture<String> lost() {
    return lost;
  }

  /** The stages' process ids, by stage name. */
  public Map<String, Long> pids() {
    Map<String, Long> out = new LinkedHashMap<>();
    children.forEach((stage, process) -> out.put(stage, process.pid()));
    return out;
  }

  @Override
  public String gatewayHost() {
    return stages.gatewayConfig().httpHost();
  }

  @Override
  public int gatewayPort() {
    return stages.gatewayConfig().httpPort();
  }

  @Override
  public String adminHost() {
    return stages.gatewayConfig().adminHttpHost();
  }

  @Override
  public int adminPort() {
    return adminPort;
  }

  @Override
  public boolean opsEnabled() {
    return stages.gatewayConfig().ops().adminKey() != null;
  }

  @Override
  public String bootstrapServers() {
    return broker != null ? broker.bootstrapServers() : env.get("KAFKA_BOOTSTRAP_SERVERS");
  }

  @Override
  public LocalStackConfig config() {
    return config;
  }

  @Override
  public DispatcherConfig dispatcherConfig() {
    return dispatcherConfig;
  }

  /**
   * SIGTERM to every stage at once (the gateway stops taking predicts, workers drain and commit),
   * waits for them, the worker for its DRAIN_TIMEOUT and 30 s more at most, then stops the broker.
   */
  @Override
  public void stop() {
    stopping = true;
    children.values().forEach(Process::destroy);
    long deadline = System.nanoTime() + drainTimeout().plusSeconds(30).toNanos();
    children.forEach(
        (stage, process) -> {
          try {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
              LOG.warn("{} did not stop in time; killing it", stage);
              process.destroyForcibly().waitFor();
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
          }
        });
    if (broker != null) {
      broker.stop();
    }
  }

  private Duration drainTimeout() {
    return drainTimeout != null ? drainTimeout : Duration.ZERO;
  }

  /**
   * The key that signs filesystem result links: the dispatcher signs them and the gateway checks
   * them, so without RESULT_URL_SECRET a key of each process's own would make every link fail; the
   * stages get one random key of this run instead, as the stages of the one-process run share one.
   */
  private static String resultUrlSecret(Map<String, String> env) {
    String given = env.get(ResultStoreSettings.URL_SECRET.name());
    if (given != null && !given.isBlank()) {
      return given;
    }
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return HexFormat.of().formatHex(key);
  }

  /** A port free on {@code host} now, for a child to bind a moment later. */
  private static int freePort(String host) {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port on " + host + " for the admin listener", e);
    }
  }

  private static Map<String, String> withSecret(Map<String, String> stageEnv, String secret) {
    Map<String, String> out = new HashMap<>(stageEnv);
    out.put(ResultStoreSettings.URL_SECRET.name(), secret);
    return out;
  }

  private void launch(String stage, Map<String, String> stageEnv) {
    ProcessBuilder builder =
        new ProcessBuilder(command(ProcessHandle.current().pid(), stage))
            .redirectInput(ProcessBuilder.Redirect.INHERIT)
            .redirectErrorStream(true)
            .redirectOutput(output);
    builder.environment().clear();
    builder.environment().putAll(stageEnv);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      stop();
      throw new IllegalStateException("could not start the " + stage + " process: " + e, e);
    }
    children.put(stage, process);
    process
        .onExit()
        .thenAccept(
            ended -> {
              if (!stopping) {
                LOG.error("the {} process exited with code {}", stage, ended.exitValue());
                lost.complete(stage);
              }
            });
  }

  /**
   * This JVM, with this process's options, running one stage that stops when process {@code
   * parentPid} is gone; the stage is the last argument.
   */
  static List<String> command(long parentPid, String stage) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(inherited(ManagementFactory.getRuntimeMXBean().getInputArguments()));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LocalStackMain.class.getName());
    command.add(CHILD_COMMAND);
    command.add(Long.toString(parentPid));
    command.add(stage);
    return command;
  }

  /** The JVM options of this process a stage's JVM starts with too. */
  static List<String> inherited(List<String> options) {
    return options.stream()
        .filter(option -> !(option.startsWith("-Xlog") && option.contains("file=")))
        .filter(option -> NOT_INHERITED.stream().noneMatch(option::startsWith))
        .toList();
  }

  /** Waits for the gateway's {@code /readyz} to say ready. */
  private void awaitGateway() {
    String host = gatewayHost();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "127.0.0.1";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    URI readyz = URI.create("http://" + host + ":" + gatewayPort() + "/readyz");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (lost.isDone()) {
        stop();
        throw new IllegalStateException("the " + lost.join() + " process exited while starting");
      }
      try {
        HttpResponse<String> answer =
            http.send(
                HttpRequest.newBuilder(readyz).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop();
        throw new IllegalStateException("interrupted while the stages were starting", e);
      }
      try {
        Thread.sleep(READY_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop();
        throw new IllegalStateException("interrupted while the stages were starting", e);
      }
    }
    stop();
    throw new IllegalStateException(
        "the gateway did not say ready at " + readyz + " within " + READY_TIMEOUT);
  }
}
