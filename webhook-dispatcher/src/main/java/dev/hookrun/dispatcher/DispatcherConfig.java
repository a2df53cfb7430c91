package dev.hookrun.dispatcher;

import dev.hookrun.common.config.Env;
import dev.hookrun.common.config.Setting;
import dev.hookrun.common.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Everything a webhook dispatcher reads from its environment, validated once at start. */
public record DispatcherConfig(
    String groupId,
    int maxInflight,
    Duration connectTimeout,
    Duration requestTimeout,
    int httpPort,
    KafkaSettings kafka) {

  public static final Setting GROUP_ID = Setting.of("DISPATCHER_GROUP_ID", "hookrun-dispatchers",
      "Consumer group of the webhook dispatchers");
  public static final Setting MAX_INFLIGHT = Setting.of("DISPATCHER_MAX_INFLIGHT", "1000",
      "Webhook deliveries in progress at once per dispatcher; at the bound it pauses fetching");
  public static final Setting CONNECT_TIMEOUT = Setting.of("WEBHOOK_CONNECT_TIMEOUT", "5s",
      "Time allowed to connect to a webhook endpoint");
  public static final Setting REQUEST_TIMEOUT = Setting.of("WEBHOOK_REQUEST_TIMEOUT", "15s",
      "Time allowed for a whole webhook request, answer included");
  public static final Setting HTTP_PORT = Setting.of("HTTP_PORT", "0",
      "Port for the dispatcher's health and metrics endpoints (0: a free port, printed at start)");

  public static final List<Setting> SETTINGS;

  static {
    List<Setting> all = new ArrayList<>(List.of(GROUP_ID, MAX_INFLIGHT, CONNECT_TIMEOUT, REQUEST_TIMEOUT, HTTP_PORT));
    all.addAll(KafkaSettings.SETTINGS);
    SETTINGS = List.copyOf(all);
  }

  public static DispatcherConfig fromEnv(Map<String, String> vars) {
    Env env = Env.of(vars);
    DispatcherConfig config = new DispatcherConfig(
        env.string(GROUP_ID),
        env.integer(MAX_INFLIGHT, 1, 100_000),
        env.duration(CONNECT_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(5)),
        env.duration(REQUEST_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(10)),
        env.integer(HTTP_PORT, 0, 65_535),
        KafkaSettings.fromEnv(env));
    env.check();
    return config;
  }

  public static DispatcherConfig defaults(KafkaSettings kafka) {
    return new DispatcherConfig("hookrun-dispatchers", 1000, Duration.ofSeconds(5),
        Duration.ofSeconds(15), 0, kafka);
  }

  public DispatcherConfig withGroupId(String group) {
    return new DispatcherConfig(group, maxInflight, connectTimeout, requestTimeout, httpPort, kafka);
  }
}
