package dev.hookrun.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.config.ConfigException;
import dev.hookrun.common.config.Env;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultStoreSettingsTest {

  private static ResultStoreSettings read(Map<String, String> vars) {
    return Env.read(vars, ResultStoreSettings::fromEnv);
  }

  @Test
  void defaultsAreAFilesystemStoreUnderDataDirWith256KiBInlineAndOneDayLinks() {
    ResultStoreSettings settings = read(Map.of());
    assertFalse(settings.isS3());
    assertEquals(262_144, settings.inlineMaxBytes());
    assertEquals(Duration.ofHours(24), settings.urlTtl());
    assertEquals(Path.of("./data", "results"), settings.resultsDir());
    assertTrue(settings.urlSecretGenerated());
    assertNull(settings.urlBase());
  }

  @Test
  void readsAnS3StoreWithEndpointAndPathStyle() {
    ResultStoreSettings settings =
        read(
            Map.of(
                "RESULT_STORE",
                "s3",
                "RESULT_S3_BUCKET",
                "b",
                "RESULT_S3_ENDPOINT",
                "http://127.0.0.1:9000",
                "RESULT_S3_PATH_STYLE",
                "true",
                "RESULT_S3_ACCESS_KEY_ID",
                "AKIA-TEST",
                "RESULT_S3_SECRET_ACCESS_KEY",
                "very-secret-value"));
    assertTrue(settings.isS3());
    assertEquals("b", settings.s3().bucket());
    assertTrue(settings.s3().pathStyle());
    assertEquals("http://127.0.0.1:9000", settings.s3().endpoint().toString());
    assertFalse(settings.toString().contains("very-secret-value"), settings::toString);
  }

  @Test
  void reportsEveryMistakeAtOnceWithoutEchoingSecrets() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                read(
                    Map.of(
                        "RESULT_STORE",
                        "s3",
                        "RESULT_URL_SECRET",
                        "short-secret",
                        "RESULT_URL_TTL",
                        "8d",
                        "RESULT_URL_BASE",
                        "ftp://x",
                        "RESULT_S3_ACCESS_KEY_ID",
                        "AKIA-ONLY")));
    String message = e.getMessage();
    assertTrue(message.contains("RESULT_S3_BUCKET is required"), message);
    assertTrue(message.contains("RESULT_URL_SECRET: key 1 of 1 must be at least 16"), message);
    assertTrue(message.contains("RESULT_URL_TTL"), message);
    assertTrue(message.contains("RESULT_URL_BASE"), message);
    assertTrue(message.contains("go together"), message);
    assertFalse(message.contains("short-secret"), message);
    assertThrows(ConfigException.class, () -> read(Map.of("RESULT_STORE", "ftp")));
  }

  @Test
  void aConfiguredSecretAndBaseAreUsedAsGiven() {
    ResultStoreSettings settings =
        read(
            Map.of(
                "RESULT_URL_SECRET",
                "sixteen-chars-ok",
                "RESULT_URL_BASE",
                "https://api.example.com/",
                "DATA_DIR",
                "/srv/hookrun"));
    assertFalse(settings.urlSecretGenerated());
    assertEquals("https://api.example.com", settings.urlBase());
    assertEquals(Path.of("/srv/hookrun", "results"), settings.resultsDir());
  }
}
