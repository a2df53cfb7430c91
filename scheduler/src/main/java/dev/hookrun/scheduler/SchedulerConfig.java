package dev.hookrun.scheduler;

import dev.hookrun.common.config.Env;
import dev.hookrun.common.config.ProcessSettings;
import dev.hookrun.common.config.Records;
import dev.hookrun.common.config.Setting;
import dev.hookrun.common.health.AdminListener;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.scheduling.SchedulingPolicy;
import dev.hookrun.common.scheduling.SchedulingSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Everything a scheduler process reads from its environment, validated once at start. */
public record SchedulerConfig(
    String groupId,
    SchedulingPolicy policy,
    Duration workerLeaseTimeout,
    String httpHost,
    int httpPort,
    KafkaSettings kafka) {

  public static final Setting GROUP_ID =
      Setting.of(
          "SCHEDULER_GROUP_ID",
          "hookrun-scheduler",
          "Consumer group of the schedulers on the requests topic; all schedulers of one installation share it");
  public static final Setting WORKER_LEASE_TIMEOUT =
      Setting.of(
          "WORKER_LEASE_TIMEOUT",
          "15s",
          "A worker silent this long is taken for dead: its slots stop counting and the runs it was"
              + " running are handed to the workers again (at least 3s)");

  public static final List<Setting> SETTINGS =
      Setting.catalog(
          List.of(GROUP_ID, WORKER_LEASE_TIMEOUT),
          AdminListener.SETTINGS,
          SchedulingSettings.SETTINGS,
          KafkaSettings.SETTINGS);

  public static SchedulerConfig fromEnv(Map<String, String> vars) {
    return ProcessSettings.read(vars, env -> read(env, KafkaSettings.fromEnv(env)));
  }

  /** A scheduler for tests and the local run: every setting at its default, Kafka as given. */
  public static SchedulerConfig defaults(KafkaSettings kafka) {
    return Env.read(Map.of(), env -> read(env, kafka));
  }

  private static SchedulerConfig read(Env env, KafkaSettings kafka) {
    return new SchedulerConfig(
        env.string(GROUP_ID),
        SchedulingSettings.fromEnv(env),
        env.duration(WORKER_LEASE_TIMEOUT, Duration.ofSeconds(3), Duration.ofHours(1)),
        env.string(AdminListener.HTTP_HOST),
        env.integer(AdminListener.HTTP_PORT, 0, 65_535),
        kafka);
  }

  public SchedulerConfig withGroupId(String group) {
    return Records.with(this, "groupId", group);
  }

  public SchedulerConfig withWorkerLeaseTimeout(Duration d) {
    return Records.with(this, "workerLeaseTimeout", d);
  }
}
