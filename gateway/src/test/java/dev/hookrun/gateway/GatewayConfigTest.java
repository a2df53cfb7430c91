package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.config.ConfigException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gateway's settings are typed and validated at start, every problem named at once. */
class GatewayConfigTest {

  private static GatewayConfig config(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of("API_KEYS", "k=p-1"));
    env.putAll(extra);
    return GatewayConfig.fromEnv(env);
  }

  @Test
  void connectionSettingsHaveDefaults() {
    GatewayConfig config = config(Map.of());
    assertEquals(Duration.ofSeconds(60), config.httpIdleTimeout());
    assertEquals(10_000, config.httpMaxConnections());
  }

  @Test
  void connectionSettingsAreRead() {
    GatewayConfig config =
        config(Map.of("HTTP_IDLE_TIMEOUT", "90s", "HTTP_MAX_CONNECTIONS", "500"));
    assertEquals(Duration.ofSeconds(90), config.httpIdleTimeout());
    assertEquals(500, config.httpMaxConnections());
  }

  @Test
  void badValuesFailStartNamingEachSetting() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                config(
                    Map.of(
                        "HTTP_IDLE_TIMEOUT",
                        "soon",
                        "HTTP_MAX_CONNECTIONS",
                        "0",
                        "LOG_FORMAT",
                        "xml")));
    assertTrue(e.getMessage().contains("HTTP_IDLE_TIMEOUT=soon"), e.getMessage());
    assertTrue(e.getMessage().contains("HTTP_MAX_CONNECTIONS=0"), e.getMessage());
    assertTrue(e.getMessage().contains("LOG_FORMAT=xml"), e.getMessage());
  }

  @Test
  void bodyLimitSizesTheKafkaLimits() {
    GatewayConfig config = config(Map.of("BODY_LIMIT", "2000000"));
    assertEquals(2_000_000, config.bodyLimitBytes());
    assertTrue(config.kafka().requestLimits().maxRecordBytes() > 2_000_000);
  }
}
