package dev.hookrun.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A secret left as an example gives it stops the service at start, naming the setting only. */
class SecretSettingTest {

  private static final Setting KEYS = Setting.required("KEYS", "key=project,...").asSecret();
  private static final Setting TOKEN = Setting.of("TOKEN", "", "a token").asSecret();
  private static final Setting NAME = Setting.of("NAME", "", "not a secret");

  private static ConfigException refused(Map<String, String> vars) {
    return assertThrows(
        ConfigException.class,
        () ->
            Env.read(
                vars,
                env -> {
                  env.pairs(KEYS, v -> null);
                  env.optional(TOKEN);
                  env.optional(NAME);
                  return null;
                }));
  }

  @Test
  void examplePlaceholdersAreRefusedNamingTheSettingWithoutEchoingIt() {
    ConfigException e =
        refused(
            Map.of(
                "KEYS", "real-key-1=p1,replace-me-with-a-long-random-key=p2",
                "TOKEN", "CHANGE-ME"));
    assertEquals(2, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).startsWith("KEYS still holds a placeholder"), e.getMessage());
    assertTrue(e.problems().get(1).startsWith("TOKEN still holds a placeholder"), e.getMessage());
    assertFalse(e.getMessage().contains("real-key-1"), "the other keys are never echoed");
    assertFalse(e.getMessage().contains("CHANGE-ME"));
  }

  @Test
  void aPlaceholderInsideAnEncodedSecretIsRefusedToo() {
    String encoded =
        Base64.getEncoder()
            .encodeToString("replace-me-with-32-random-bytes".getBytes(StandardCharsets.UTF_8));
    ConfigException e = refused(Map.of("KEYS", "p1=whsec_" + encoded));
    assertTrue(e.getMessage().contains("KEYS still holds a placeholder"), e.getMessage());
  }

  @Test
  void realSecretsAndNonSecretSettingsPass() {
    String encoded = Base64.getEncoder().encodeToString(new byte[32]);
    Env.read(
        Map.of(
            "KEYS", "dev-key-change-me=p-local,k2=p2,k3=whsec_" + encoded,
            "TOKEN", "a-long-random-token-4f9c",
            "NAME", "change-me"),
        env -> {
          env.pairs(KEYS, v -> null);
          env.optional(TOKEN);
          env.optional(NAME);
          return null;
        });
  }

  @Test
  void aSecretReadTwiceIsReportedOnce() {
    Env env = Env.of(Map.of("TOKEN", "replace-me"));
    env.optional(TOKEN);
    env.string(TOKEN);
    assertEquals(1, assertThrows(ConfigException.class, env::check).problems().size());
  }
}
