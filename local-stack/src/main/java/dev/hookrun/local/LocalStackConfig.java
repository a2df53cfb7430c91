package dev.hookrun.local;

import dev.hookrun.common.config.Env;
import dev.hookrun.common.config.ProcessSettings;
import dev.hookrun.common.config.Setting;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.gateway.GatewayConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of the one-command local run. Every stage setting (WORKER_INSTANCES, BODY_LIMIT, ...) is
 * read from the same environment by the stage's own config record.
 */
public record LocalStackConfig(
    Path dataDir, int kafkaPort, boolean externalKafka, String devApiKey, boolean processPerStage) {

  /** The local run's data folder: its broker's log, and stored results with RESULT_STORE=fs. */
  public static final Setting DATA_DIR = ProcessSettings.DATA_DIR;

  public static final Setting KAFKA_PORT =
      Setting.of("LOCAL_KAFKA_PORT", "9092", "Port of the local run's in-process Kafka broker");

  public static final Setting PROCESSES =
      Setting.of(
          "LOCAL_PROCESSES",
          "one",
          "one: broker, gateway, worker and dispatcher share one JVM; per-stage: the broker stays in"
              + " this one and each stage gets a JVM of its own, as in production");

  public static final List<Setting> SETTINGS = List.of(DATA_DIR, KAFKA_PORT, PROCESSES);

  /**
   * Where the local run's gateway listens unless HTTP_HOST says otherwise: this machine only. The
   * local run accepts a published development key and delivers webhooks to loopback, so open to the
   * network it would let anyone nearby make this machine call its own ports. (The gateway run alone
   * keeps 0.0.0.0, which a container needs.)
   */
  static final String DEFAULT_HTTP_HOST = "127.0.0.1";

  /** Used when API_KEYS is unset in the local run only; the gateway alone refuses to start. */
  static final String DEV_KEY = "dev-key-change-me";

  static final String DEV_PROJECT = "p-local";

  public static LocalStackConfig fromEnv(Map<String, String> vars) {
    return Env.read(
        vars,
        env ->
            new LocalStackConfig(
                Path.of(env.string(DATA_DIR)),
                env.integer(KAFKA_PORT, 1, 65_535),
                vars.get("KAFKA_BOOTSTRAP_SERVERS") != null
                    && !vars.get("KAFKA_BOOTSTRAP_SERVERS").isBlank(),
                vars.get("API_KEYS") == null || vars.get("API_KEYS").isBlank() ? DEV_KEY : null,
                processPerStage(env)));
  }

  private static boolean processPerStage(Env env) {
    String value = env.string(PROCESSES).trim().toLowerCase(Locale.ROOT);
    if (!value.equals("one") && !value.equals("per-stage")) {
      env.problem(PROCESSES.name() + ": '" + value + "' is neither 'one' nor 'per-stage'");
    }
    return value.equals("per-stage");
  }

  /**
   * Partitions of the topics a local run creates on a broker of its own, unless REQUESTS_PARTITIONS
   * or TOPIC_PARTITIONS say otherwise: two per core, from 2 up to the services' default of 12.
   *
   * <p>Why fewer than a cluster's: every fetch of every reader (the worker's and the dispatcher's
   * consumers, each gateway's view, the delivery ledger) walks all partitions of its topics in the
   * broker, here on the same cores as the stages; a partition only pays for itself as room for one
   * more group member, and one machine's worker members (each running many runs at once) are few.
   * On two cores, 12 → 4 partitions took a run's allocation from 302 to 242 KB, the broker's share
   * from 134 to 94 KB (docs/PERFORMANCE.md, "What the defaults rest on"). A run whose data folder
   * already holds its topics keeps their partitions.
   */
  static int ownBrokerPartitions(int cores) {
    int cap = Integer.parseInt(KafkaSettings.PARTITIONS.defaultValue());
    return Math.max(2, Math.min(cap, 2 * cores));
  }

  /**
   * The gateway's listen address in the local run: HTTP_HOST when set, else {@link
   * #DEFAULT_HTTP_HOST}.
   */
  static String httpHost(Map<String, String> vars) {
    String host = vars.get("HTTP_HOST");
    return host == null || host.isBlank() ? DEFAULT_HTTP_HOST : host.trim();
  }

  /**
   * The gateway's admin port in the local run: ADMIN_HTTP_PORT when set, else 0 (a free port, which
   * the banner prints). The gateway's own default, 8081, would make a second local run on this
   * machine (a test, a bench script) fail to start.
   */
  static String adminHttpPort(Map<String, String> vars) {
    String port = vars.get(GatewayConfig.ADMIN_HTTP_PORT.name());
    return port == null || port.isBlank() ? "0" : port.trim();
  }
}
