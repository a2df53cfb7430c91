package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.results.FsResultStore;
import dev.hookrun.results.UrlSigner;
import dev.hookrun.testkit.SharedTestBroker;
import dev.hookrun.testkit.TestEnv;
import dev.hookrun.testkit.TestHttp;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RESULT_URL_SECRET with several keys, newest first: links signed with any are served, new links
 * are signed with the first.
 */
class ResultUrlRotationTest {

  private static final String NEWER = "newer-secret-" + UUID.randomUUID();
  private static final String OLDER = "older-secret-" + UUID.randomUUID();
  private static final String KEY = "run-1.json";

  @TempDir Path dataDir;
  private Vertx vertx;
  private GatewayConfig config;
  private int port;

  @BeforeEach
  void start() throws Exception {
    Files.createDirectories(dataDir.resolve("results"));
    Files.writeString(dataDir.resolve("results").resolve(KEY), "{\"answer\": 42}");
    vertx = Vertx.vertx();
    config =
        GatewayConfig.fromEnv(
            TestEnv.gateway(
                SharedTestBroker.bootstrapServers(),
                "rotation-" + UUID.randomUUID() + ".",
                "k=p-1",
                Map.of("DATA_DIR", dataDir.toString(), "RESULT_URL_SECRET", NEWER + ", " + OLDER)));
    GatewayVerticle gateway = new GatewayVerticle(config);
    vertx.deployVerticle(gateway).await();
    port = gateway.actualPort();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private int fetch(String secret) {
    String link =
        new UrlSigner(secret.getBytes(StandardCharsets.UTF_8))
            .pathAndQuery(KEY, Instant.now().plus(Duration.ofHours(1)));
    return new TestHttp(port, "unused").sendRaw("GET", link, Map.of(), null).statusCode();
  }

  @Test
  void aLinkSignedWithTheOlderSecretIsStillServed() {
    assertEquals(200, fetch(OLDER));
    assertEquals(200, fetch(NEWER));
    assertEquals(403, fetch("unknown-secret-0123456789"));
  }

  @Test
  void newLinksAreSignedWithTheFirstSecret() {
    String url =
        FsResultStore.create(config.results())
            .signedUrl(KEY, Duration.ofHours(1), "http://127.0.0.1:" + port);
    long expires = Long.parseLong(url.replaceAll(".*expires=(\\d+).*", "$1"));
    String sig = url.replaceAll(".*sig=([^&]+).*", "$1");
    assertEquals(
        new UrlSigner(NEWER.getBytes(StandardCharsets.UTF_8)).signature(KEY, expires), sig);
    assertTrue(
        !sig.equals(new UrlSigner(OLDER.getBytes(StandardCharsets.UTF_8)).signature(KEY, expires)));
    assertEquals(
        200,
        new TestHttp(port, "unused")
            .sendRaw("GET", url.substring(url.indexOf("/results")), Map.of(), null)
            .statusCode());
  }
}
