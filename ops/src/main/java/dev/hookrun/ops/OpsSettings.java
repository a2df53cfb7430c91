package dev.hookrun.ops;

import dev.hookrun.common.config.Env;
import dev.hookrun.common.config.Setting;
import java.time.Duration;
import java.util.List;

/**
 * The gateway's ops settings (part of GatewayConfig).
 *
 * @param adminKey the key {@code /ops} routes require, or null: then {@code /ops} answers 404
 * @param lagSampleInterval how often consumer lag is sampled into /metrics (zero: never)
 */
public record OpsSettings(String adminKey, Duration lagSampleInterval) {

  public static final Setting ADMIN_KEY =
      Setting.of(
              "ADMIN_KEY",
              "",
              "Key for the /ops routes (Authorization header, bare or Bearer); unset: /ops answers 404")
          .asSecret();
  public static final Setting LAG_SAMPLE_INTERVAL =
      Setting.of(
          "OPS_LAG_SAMPLE_INTERVAL",
          "15s",
          "How often a gateway samples each stage's consumer lag into /metrics (0s: never)");

  public static final List<Setting> SETTINGS = List.of(ADMIN_KEY, LAG_SAMPLE_INTERVAL);

  public static OpsSettings fromEnv(Env env) {
    String key = env.optional(ADMIN_KEY).orElse(null);
    if (key != null && key.length() < 16) {
      env.problem(ADMIN_KEY.name() + " must be at least 16 characters long");
    }
    return new OpsSettings(
        key, env.duration(LAG_SAMPLE_INTERVAL, Duration.ZERO, Duration.ofHours(1)));
  }

  /** Ops routes off, lag sampling off: for tests and callers that do not want them. */
  public static OpsSettings disabled() {
    return new OpsSettings(null, Duration.ZERO);
  }
}
