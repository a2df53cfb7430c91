package dev.hookrun.local;

import dev.hookrun.common.config.ConfigException;
import dev.hookrun.dispatcher.DispatcherConfig;
import dev.hookrun.dispatcher.DispatcherMain;
import dev.hookrun.gateway.GatewayMain;
import dev.hookrun.ops.cli.OpsCli;
import dev.hookrun.scheduler.SchedulerMain;
import dev.hookrun.worker.WorkerMain;
import java.util.Arrays;

/**
 * Entry point of {@code ./run.sh}: with no argument, the whole platform; with a stage name, that
 * stage alone against KAFKA_BOOTSTRAP_SERVERS; {@code receiver} prints webhooks it receives.
 */
public final class LocalStackMain {

  private LocalStackMain() {}

  public static void main(String[] args) throws Exception {
    String command = args.length == 0 ? "all" : args[0];
    String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
    switch (command) {
      case "all" -> runAll();
      case "gateway" -> GatewayMain.main(rest);
      case "worker" -> WorkerMain.main(rest);
      case "scheduler" -> SchedulerMain.main(rest);
      case "dispatcher" -> DispatcherMain.main(rest);
      case "receiver" -> WebhookPrinter.main(rest);
      case "broker" -> runBrokerOnly();
      case "ops" -> OpsCli.main(rest);
      case "train" -> Training.main(rest);
      case StageProcesses.CHILD_COMMAND -> runStageOf(rest);
      default -> {
        System.err.println(
            "usage: run.sh [all|gateway|worker|scheduler|dispatcher|broker|receiver [port]|ops"
                + " <command>]\n"
                + "  all (the default): the whole platform on this machine; its banner prints the"
                + " gateway's API address and its admin address (/metrics, /ops)");
        System.exit(2);
      }
    }
  }

  private static void runAll() {
    long t0 = System.nanoTime();
    RunningStack stack;
    try {
      if (LocalStackConfig.fromEnv(System.getenv()).processPerStage()) {
        StageProcesses stages = new StageProcesses(System.getenv());
        stack = stages;
        stages.start();
        // a stage that dies takes the run down with it, as the one-process run would go
        stages.lost().thenAccept(stage -> new Thread(() -> System.exit(1), "stage-lost").start());
      } else {
        LocalStack local = new LocalStack(System.getenv());
        stack = local;
        local.start().await();
      }
    } catch (ConfigException e) {
      System.err.println("run.sh: " + e.getMessage());
      System.exit(2);
      return;
    } catch (IllegalStateException e) {
      // e.g. a stage process that could not start or died while starting (its log says why)
      System.err.println("run.sh: " + (e.getMessage() != null ? e.getMessage() : e));
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println(
                      "\nstopping: workers drain and commit, then the broker stops...");
                  stack.stop();
                  System.out.println("stopped.");
                },
                "local-stack-shutdown"));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println(banner(stack, ms));
  }

  /**
   * One stage started by {@link StageProcesses}: it stops (as on SIGTERM: draining, committing)
   * when the run that started it is gone, however that one ended.
   */
  private static void runStageOf(String[] args) throws Exception {
    long parent = Long.parseLong(args[0]);
    ProcessHandle.of(parent)
        .map(ProcessHandle::onExit)
        .orElse(java.util.concurrent.CompletableFuture.completedFuture(null))
        .thenRun(() -> new Thread(() -> System.exit(0), "run-ended").start());
    main(Arrays.copyOfRange(args, 1, args.length));
  }

  /** Only the in-process broker, for running the stages as separate processes on one machine. */
  private static void runBrokerOnly() {
    LocalStackConfig config = LocalStackConfig.fromEnv(System.getenv());
    var broker =
        new dev.hookrun.kafka.EmbeddedKafkaBroker(
                config.dataDir().resolve("kafka"), config.kafkaPort())
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(broker::stop, "broker-shutdown"));
    System.out.println(
        "kafka broker listening on "
            + broker.bootstrapServers()
            + " (data in "
            + config.dataDir().resolve("kafka").toAbsolutePath().normalize()
            + "); Ctrl-C stops it");
  }

  /** What the webhook address policy of this run is, in a line or two. */
  static String webhookNote(DispatcherConfig dispatcher) {
    StringBuilder out = new StringBuilder();
    var networks = dispatcher.allowedNetworks().stream().map(Object::toString).toList();
    if (networks.equals(DispatcherConfig.LOOPBACK)) {
      out.append("  NOTE: this local run delivers webhooks to public addresses and to loopback (")
          .append(String.join(", ", networks))
          .append(
              "); other private addresses are refused. WEBHOOK_ALLOWED_NETWORKS replaces this list.\n");
    } else {
      out.append("  NOTE: webhooks go to public addresses and to WEBHOOK_ALLOWED_NETWORKS=")
          .append(String.join(",", networks))
          .append(" only.\n");
    }
    if (dispatcher.secrets().isEmpty()) {
      out.append("  NOTE: WEBHOOK_SECRETS is not set, so webhooks are not signed.\n");
    }
    return out.toString();
  }

  private static boolean everywhere(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }

  /** The URL a user on this machine reaches the gateway at. */
  static String gatewayUrl(String host, int port) {
    String shown = everywhere(host) ? "localhost" : host.contains(":") ? "[" + host + "]" : host;
    return "http://" + shown + ":" + port;
  }

  /** Where the gateway listens: a run open to the network must say so. */
  static String listenNote(String host, int port) {
    return "  gateway:  "
        + gatewayUrl(host, port)
        + (everywhere(host)
            ? "  (listening on ALL interfaces, reachable from the network: HTTP_HOST="
                + host
                + ")\n"
            : "  (listening on "
                + host
                + " only; HTTP_HOST=0.0.0.0 with API_KEYS set opens it to the network)\n");
  }

  /**
   * Where {@code /metrics} and {@code /ops} are: on the gateway's admin listener only (its API port
   * answers 404 for them), by default on a free port of this machine.
   */
  static String adminNote(RunningStack stack) {
    String admin = gatewayUrl(stack.adminHost(), stack.adminPort());
    String whose =
        stack instanceof StageProcesses
            ? "the gateway's; each stage logs its own address at start"
            : "every stage of this process";
    return "  metrics:  "
        + admin
        + "/metrics  ("
        + whose
        + "; ADMIN_HTTP_HOST, ADMIN_HTTP_PORT)\n"
        + "  ops:      "
        + admin
        + "/ops/groups"
        + (stack.opsEnabled()
            ? "  (Authorization: your ADMIN_KEY)\n"
            : "  (off: set ADMIN_KEY, 16+ characters, to turn /ops on)\n");
  }

  static String banner(RunningStack stack, long startMs) {
    int port = stack.gatewayPort();
    String base = gatewayUrl(stack.gatewayHost(), port);
    String key = stack.config().devApiKey();
    String project = key != null ? LocalStackConfig.DEV_PROJECT : "<your-project>";
    String auth = key != null ? key : "<your-api-key>";
    StringBuilder out = new StringBuilder();
    out.append("\n  hookrun is up in ").append(startMs).append(" ms\n");
    out.append(listenNote(stack.gatewayHost(), port));
    out.append(adminNote(stack));
    out.append("  kafka:    ")
        .append(stack.bootstrapServers())
        .append(
            stack.config().externalKafka()
                ? " (external)"
                : " (in-process, data in "
                    + stack.config().dataDir().toAbsolutePath().normalize()
                    + ")")
        .append('\n');
    if (stack instanceof StageProcesses stages) {
      out.append("  stages:   one process each (LOCAL_PROCESSES=per-stage): ");
      out.append(
          String.join(
              ", ",
              stages.pids().entrySet().stream()
                  .map(e -> e.getKey() + " pid " + e.getValue())
                  .toList()));
      out.append('\n');
    }
    if (key != null) {
      out.append("\n  WARNING: API_KEYS is not set, so the development key '")
          .append(key)
          .append("' (project ")
          .append(project)
          .append(") is accepted. Set API_KEYS for anything but local use.\n");
    }
    out.append(webhookNote(stack.dispatcherConfig()));
    out.append("\n  Start a webhook receiver in another terminal:  ./run.sh receiver 9000\n");
    out.append("  Then try:\n\n");
    out.append("  curl -X POST ")
        .append(base)
        .append('/')
        .append("v3/")
        .append(project)
        .append("/webhook-delay-example/predict \\\n");
    out.append("       -H 'Content-Type: application/json' -H 'Authorization: ")
        .append(auth)
        .append("' \\\n");
    out.append(
        "       --data '{\"delayMins\": 0.1, \"webhook_endpoint\": \"http://localhost:9000/hook\"}'\n\n");
    out.append("  Ctrl-C stops everything.\n");
    return out.toString();
  }
}
