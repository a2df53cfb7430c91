package dev.hookrun.common.health;

import dev.hookrun.common.config.Setting;
import java.util.List;

/**
 * Where a worker, scheduler or dispatcher serves its health probes and metrics: one pair of
 * settings for the three stages (the gateway's API and admin listeners have settings of their own).
 */
public final class AdminListener {

  public static final Setting HTTP_HOST =
      Setting.of(
          "HTTP_HOST",
          "127.0.0.1",
          "Address of the stage's admin listener (health and metrics); a container sets 0.0.0.0 and keeps the port off the public network");
  public static final Setting HTTP_PORT =
      Setting.of(
          "HTTP_PORT",
          "0",
          "Port of the stage's health and metrics endpoints (0: a free port, printed at start)");

  public static final List<Setting> SETTINGS = List.of(HTTP_HOST, HTTP_PORT);

  private AdminListener() {}
}
