package dev.hookrun.worker;

import dev.hookrun.common.apps.AppCatalog;
import dev.hookrun.common.config.Env;
import dev.hookrun.common.config.ProcessSettings;
import dev.hookrun.common.config.Records;
import dev.hookrun.common.config.Setting;
import dev.hookrun.common.health.AdminListener;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.run.RunLimits;
import dev.hookrun.results.ResultStoreSettings;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Everything a worker process reads from its environment, validated once at start. */
public record WorkerConfig(
    String workerId,
    String groupId,
    int instances,
    int maxInflight,
    int blockingPoolSize,
    Duration maxRunTime,
    int echoMaxBytes,
    Duration drainTimeout,
    int maxDeliveryAttempts,
    String httpHost,
    int httpPort,
    Duration progressMinInterval,
    KafkaSettings kafka,
    ResultStoreSettings results) {

  public static final Setting WORKER_ID =
      Setting.of(
          "WORKER_ID",
          "",
          "Name of this worker in logs, run states and consumer client ids (default: host-pid)");
  public static final Setting GROUP_ID =
      Setting.of(
          "WORKER_GROUP_ID",
          "hookrun-workers",
          "Share group of the workers; all workers of one installation share it");
  public static final Setting INSTANCES =
      Setting.of(
          "WORKER_INSTANCES",
          "1",
          "Worker verticles (share-group members) in this process; they share one producer");
  public static final Setting MAX_INFLIGHT =
      Setting.of(
          "WORKER_MAX_INFLIGHT",
          "10000",
          "Runs one verticle instance holds at once (its slots); it asks for work only while it has room");
  public static final Setting BLOCKING_POOL =
      Setting.of(
          "WORKER_BLOCKING_POOL_SIZE", "4", "Threads for blocking (CPU-bound) models per process");
  public static final Setting DRAIN_TIMEOUT =
      Setting.of(
          "DRAIN_TIMEOUT",
          "30s",
          "On SIGTERM, how long in-flight runs may finish before they are handed back (at most 4m)");
  public static final Setting MAX_DELIVERY_ATTEMPTS =
      Setting.of(
          "MAX_DELIVERY_ATTEMPTS",
          "3",
          "A run handed to workers this many times without an outcome (each worker died holding"
              + " it) ends failed with worker_lost instead of running again (1 to 9)");
  public static final Setting PROGRESS_MIN_INTERVAL =
      Setting.of(
          "PROGRESS_MIN_INTERVAL",
          "1s",
          "At most one progress record (and progress webhook) per run per this interval; the newest report in between"
              + " wins");

  public static final List<Setting> SETTINGS =
      Setting.catalog(
          List.of(
              WORKER_ID,
              GROUP_ID,
              INSTANCES,
              MAX_INFLIGHT,
              BLOCKING_POOL,
              RunLimits.MAX_RUN_TIME,
              AppCatalog.ECHO_MAX_BYTES,
              DRAIN_TIMEOUT,
              MAX_DELIVERY_ATTEMPTS,
              PROGRESS_MIN_INTERVAL),
          AdminListener.SETTINGS,
          KafkaSettings.SETTINGS,
          ResultStoreSettings.SETTINGS);

  public static WorkerConfig fromEnv(Map<String, String> vars) {
    return ProcessSettings.read(vars, env -> read(env, KafkaSettings.fromEnv(env)));
  }

  /**
   * A worker for tests and the local run: every setting at its default (the settings above are
   * where defaults live), Kafka as given.
   */
  public static WorkerConfig defaults(KafkaSettings kafka, String workerId) {
    return Env.read(Map.of(WORKER_ID.name(), workerId), env -> read(env, kafka));
  }

  private static WorkerConfig read(Env env, KafkaSettings kafka) {
    return new WorkerConfig(
        env.optional(WORKER_ID).orElseGet(WorkerConfig::defaultWorkerId),
        env.string(GROUP_ID),
        env.integer(INSTANCES, 1, 64),
        env.integer(MAX_INFLIGHT, 1, 1_000_000),
        env.integer(BLOCKING_POOL, 1, 1024),
        RunLimits.maxRunTime(env),
        env.integer(AppCatalog.ECHO_MAX_BYTES, 0, AppCatalog.ECHO_MAX_BYTES_LIMIT),
        env.duration(DRAIN_TIMEOUT, Duration.ZERO, Duration.ofMinutes(4)),
        env.integer(MAX_DELIVERY_ATTEMPTS, 1, 9),
        env.string(AdminListener.HTTP_HOST),
        env.integer(AdminListener.HTTP_PORT, 0, 65_535),
        env.duration(PROGRESS_MIN_INTERVAL, Duration.ofMillis(10), Duration.ofHours(1)),
        kafka,
        ResultStoreSettings.fromEnv(env));
  }

  public WorkerConfig withGroupId(String group) {
    return Records.with(this, "groupId", group);
  }

  public WorkerConfig withMaxInflight(int max) {
    return Records.with(this, "maxInflight", max);
  }

  public WorkerConfig withDrainTimeout(Duration d) {
    return Records.with(this, "drainTimeout", d);
  }

  public WorkerConfig withMaxRunTime(Duration d) {
    return Records.with(this, "maxRunTime", d);
  }

  public WorkerConfig withMaxDeliveryAttempts(int attempts) {
    return Records.with(this, "maxDeliveryAttempts", attempts);
  }

  public WorkerConfig withProgressMinInterval(Duration d) {
    return Records.with(this, "progressMinInterval", d);
  }

  public WorkerConfig withResults(ResultStoreSettings settings) {
    return Records.with(this, "results", settings);
  }

  private static String defaultWorkerId() {
    // RuntimeMXBean name is "pid@host"
    String[] pidAtHost = ManagementFactory.getRuntimeMXBean().getName().split("@", 2);
    return (pidAtHost.length == 2 ? pidAtHost[1] + "-" : "") + pidAtHost[0];
  }
}
