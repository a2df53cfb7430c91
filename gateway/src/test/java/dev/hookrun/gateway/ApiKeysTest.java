package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.config.ConfigException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

  private final ApiKeys keys = ApiKeys.of(Map.of("public-abc", "p-1", "public-def", "p-2"));

  @Test
  void acceptsBareAndBearerKeys() {
    assertEquals(Optional.of("p-1"), keys.projectOf("public-abc"));
    assertEquals(Optional.of("p-2"), keys.projectOf("Bearer public-def"));
    assertEquals(Optional.of("p-2"), keys.projectOf("bearer   public-def "));
  }

  @Test
  void refusesMissingEmptyAndUnknownKeys() {
    assertTrue(keys.projectOf(null).isEmpty());
    assertTrue(keys.projectOf("").isEmpty());
    assertTrue(keys.projectOf("Bearer ").isEmpty());
    assertTrue(keys.projectOf("public-xyz").isEmpty());
  }

  @Test
  void neverShowsAKey() {
    assertFalse(keys.toString().contains("public-abc"));
  }

  @Test
  void theGatewayRefusesToStartWithoutApiKeys() {
    ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.fromEnv(Map.of()));
    assertTrue(e.getMessage().contains("API_KEYS is required"));
  }

  @Test
  void readsApiKeysFromTheEnvironment() {
    GatewayConfig config = GatewayConfig.fromEnv(Map.of("API_KEYS", "k1=p-1,k2=p-2"));
    assertEquals(Optional.of("p-2"), config.apiKeys().projectOf("k2"));
  }
}
