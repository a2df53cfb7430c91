package dev.hookrun.common.scheduling;

import dev.hookrun.common.config.Env;
import dev.hookrun.common.config.Setting;
import java.time.Duration;
import java.util.List;

/**
 * The environment variables that make a {@link SchedulingPolicy}. The scheduler applies the policy
 * and every gateway estimates queue positions with it, so all of them read these same settings and
 * must be given the same values.
 */
public final class SchedulingSettings {

  public static final Setting PROJECT_WEIGHTS =
      Setting.of(
          SchedulingPolicy.WEIGHTS_VARIABLE,
          "",
          "Each project's share of run starts among projects with queued runs of the same level:"
              + " p1=3,p2=1 (*=n sets the weight of projects not listed); unset: equal shares");
  public static final Setting PROJECT_MAX_RUNNING =
      Setting.of(
          SchedulingPolicy.MAX_RUNNING_VARIABLE,
          "",
          "Most runs a project may have running at once: 8 (every project), p1=4,p2=2, or both"
              + " (8,p1=4); unset: no cap");
  public static final Setting PRIORITY_AGING =
      Setting.of(
          "PRIORITY_AGING",
          "10m",
          "A queued run is served one priority level higher for every period this long that it has"
              + " waited; 0s: never");

  public static final List<Setting> SETTINGS =
      List.of(PROJECT_WEIGHTS, PROJECT_MAX_RUNNING, PRIORITY_AGING);

  /** No run waits longer than the longest QUEUE_TTL; a longer aging could never apply. */
  static final Duration MAX_AGING = Duration.ofDays(30);

  private SchedulingSettings() {}

  /**
   * The policy the environment describes; an entry it cannot read becomes a start-up problem naming
   * its variable (both variables are checked, so all mistakes are reported at once).
   */
  public static SchedulingPolicy fromEnv(Env env) {
    String weights = env.string(PROJECT_WEIGHTS);
    String maxRunning = env.string(PROJECT_MAX_RUNNING);
    Duration aging = env.duration(PRIORITY_AGING, Duration.ZERO, MAX_AGING);
    boolean weightsRead = readable(env, () -> SchedulingPolicy.parse(weights, null, aging));
    boolean capsRead = readable(env, () -> SchedulingPolicy.parse(null, maxRunning, aging));
    if (!weightsRead || !capsRead) {
      return SchedulingPolicy.unlimited(); // never used: the service refuses to start
    }
    return SchedulingPolicy.parse(weights, maxRunning, aging);
  }

  private static boolean readable(Env env, Runnable parse) {
    try {
      parse.run();
      return true;
    } catch (IllegalArgumentException e) {
      env.problem(e.getMessage());
      return false;
    }
  }
}
