package dev.hookrun.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {

  private static final Setting TIMEOUT = Setting.of("TIMEOUT", "3m", "a timeout");
  private static final Setting COUNT = Setting.of("COUNT", "5", "a count");
  private static final Setting KEYS = Setting.required("KEYS", "the keys");

  @Test
  void defaultsApplyWhenUnsetOrBlank() {
    Env env = Env.of(Map.of("COUNT", "  "));
    assertEquals(Duration.ofMinutes(3), env.duration(TIMEOUT, Duration.ZERO, Duration.ofHours(1)));
    assertEquals(5, env.integer(COUNT, 1, 10));
    env.check();
  }

  @Test
  void parsesDurationsWithUnits() {
    assertEquals(Duration.ofMillis(250), Env.parseDuration("250ms"));
    assertEquals(Duration.ofMillis(1500), Env.parseDuration("1.5s"));
    assertEquals(Duration.ofHours(24), Env.parseDuration("24h"));
    assertEquals(Duration.ofDays(1), Env.parseDuration("1d"));
    assertEquals(null, Env.parseDuration("10"));
  }

  @Test
  void reportsEveryProblemAtOnceWithoutEchoingSecrets() {
    Env env = Env.of(Map.of("TIMEOUT", "soon", "COUNT", "99", "KEYS", "secret-without-project"));
    env.duration(TIMEOUT, Duration.ZERO, Duration.ofHours(1));
    env.integer(COUNT, 1, 10);
    env.pairs(KEYS, v -> null);
    ConfigException e = assertThrows(ConfigException.class, env::check);
    assertEquals(3, e.problems().size());
    assertFalse(e.getMessage().contains("secret-without-project"));
  }

  @Test
  void aRequiredSettingWithoutValueIsAProblem() {
    Env env = Env.of(Map.of());
    env.string(KEYS);
    ConfigException e = assertThrows(ConfigException.class, env::check);
    assertTrue(e.getMessage().contains("KEYS is required"));
  }

  @Test
  void readsPairs() {
    Env env = Env.of(Map.of("KEYS", "k1=p1, k2=p2"));
    assertEquals(Map.of("k1", "p1", "k2", "p2"), env.pairs(KEYS, v -> null));
    env.check();
  }
}
