package dev.hookrun.gateway.console;

import dev.hookrun.common.config.Env;
import dev.hookrun.common.config.Setting;
import java.time.Duration;
import java.util.List;

/**
 * The console's settings (part of GatewayConfig).
 *
 * @param sessionTtl how long a sign-in lasts; the cookie expires with it
 */
public record ConsoleSettings(Duration sessionTtl) {

  public static final Setting SESSION_TTL =
      Setting.of(
          "CONSOLE_SESSION_TTL",
          "8h",
          "How long a console sign-in lasts before the admin key is asked again (1m to 7d)");

  public static final List<Setting> SETTINGS = List.of(SESSION_TTL);

  public static ConsoleSettings fromEnv(Env env) {
    return new ConsoleSettings(
        env.duration(SESSION_TTL, Duration.ofMinutes(1), Duration.ofDays(7)));
  }
}
