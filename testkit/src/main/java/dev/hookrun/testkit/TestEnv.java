package dev.hookrun.testkit;

import java.util.HashMap;
import java.util.Map;

/** Environments of stages under test, as their {@code fromEnv} reads them. */
public final class TestEnv {

  private TestEnv() {}

  /**
   * A gateway on 127.0.0.1 (any free port, its admin listener too) of the installation at {@code
   * bootstrapServers} with topics under {@code topicPrefix}, accepting {@code apiKeys} ({@code
   * key=project,...}), then {@code extra} on top.
   */
  public static Map<String, String> gateway(
      String bootstrapServers, String topicPrefix, String apiKeys, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", "0");
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("ADMIN_HTTP_PORT", "0");
    env.put("ADMIN_HTTP_HOST", "127.0.0.1");
    env.put("API_KEYS", apiKeys);
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
    env.put("TOPIC_PREFIX", topicPrefix);
    env.putAll(extra);
    return env;
  }
}
