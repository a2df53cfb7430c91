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
  void rateLimitsAreReadPerProjectAndUnsetMeansNone() {
    assertEquals(RateLimits.NONE, config(Map.of()).rateLimits());
    GatewayConfig config =
        config(Map.of("API_KEYS", "k1=p-1,k2=p-2", "RATE_LIMITS", "p-1=50/100, p-2 = 0.5/1"));
    assertEquals(new RateLimits.Limit(50, 100), config.rateLimits().of("p-1"));
    assertEquals(new RateLimits.Limit(0.5, 1), config.rateLimits().of("p-2"));
  }

  @Test
  void badRateLimitsFailStartNamingEachProblem() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                config(
                    Map.of(
                        "API_KEYS",
                        "k1=p-1,k2=p-2,k3=p-3,k4=p-4",
                        "RATE_LIMITS",
                        "p-1=0/10,p-2=5/0,p-3=-2/5,p-4=50,p-9=1/1,p-1=2/2,fast")));
    String message = e.getMessage();
    assertTrue(message.contains("RATE_LIMITS: p-1's rate 0 must be above 0"), message);
    assertTrue(message.contains("RATE_LIMITS: p-2's burst 0 must be at least 1"), message);
    assertTrue(message.contains("RATE_LIMITS: p-3's rate -2 must be above 0"), message);
    assertTrue(message.contains("RATE_LIMITS: 'p-4=50' is not project=rate/burst"), message);
    assertTrue(message.contains("RATE_LIMITS: 'fast' is not project=rate/burst"), message);
    assertTrue(
        message.contains("RATE_LIMITS names project 'p-9', which no key in API_KEYS is for"),
        message);
    assertTrue(message.contains("RATE_LIMITS names project 'p-1' twice"), message);
    assertEquals(7, e.problems().size(), message);
  }

  @Test
  void bodyLimitSizesTheKafkaLimits() {
    GatewayConfig config = config(Map.of("BODY_LIMIT", "2000000"));
    assertEquals(2_000_000, config.bodyLimitBytes());
    assertTrue(config.kafka().requestLimits().maxRecordBytes() > 2_000_000);
  }

  @Test
  void theSchedulersSettingsAreReadSoEstimatesFollowItsRules() {
    GatewayConfig config =
        config(
            Map.of(
                "PROJECT_WEIGHTS", "p-1=3",
                "PROJECT_MAX_RUNNING", "8",
                "PRIORITY_AGING", "5m"));
    assertEquals(3, config.scheduling().weight("p-1"));
    assertEquals(8, config.scheduling().maxRunning("p-2"));
    assertEquals(Duration.ofMinutes(5), config.scheduling().aging());
  }

  @Test
  void badSchedulingSettingsFailStartNamingTheVariable() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> config(Map.of("PROJECT_WEIGHTS", "p-1=3,p-2", "PROJECT_MAX_RUNNING", "-1")));
    String message = e.getMessage();
    assertTrue(message.contains("PROJECT_WEIGHTS: cannot read entry \"p-2\""), message);
    assertTrue(message.contains("PROJECT_MAX_RUNNING: cannot read entry \"-1\""), message);
    assertEquals(2, e.problems().size(), message);
  }
}
