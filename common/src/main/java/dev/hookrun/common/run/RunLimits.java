package dev.hookrun.common.run;

import dev.hookrun.common.config.Env;
import dev.hookrun.common.config.Setting;
import java.time.Duration;

/**
 * The longest a run may go on, read by the gateway (the most a request may ask for) and the worker
 * (when it stops a run): one variable, so the two cannot disagree on its name, default or bounds.
 */
public final class RunLimits {

  public static final Setting MAX_RUN_TIME =
      Setting.of(
          "MAX_RUN_TIME",
          "24h",
          "Longest run a request may ask for; a run still going after this long is stopped and fails with a timeout");

  private RunLimits() {}

  public static Duration maxRunTime(Env env) {
    return env.duration(MAX_RUN_TIME, Duration.ofSeconds(1), Duration.ofDays(7));
  }
}
