package dev.hookrun.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.health.HealthServer;
import dev.hookrun.common.health.ReadinessCheck;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.kafka.TopicSpec;
import dev.hookrun.common.metrics.Meters;
import dev.hookrun.kafka.EmbeddedKafkaBroker;
import dev.hookrun.testkit.TestHttp;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared health server (as worker and dispatcher mount it): /readyz follows the broker away and
 * back, and the stage's own checks; /healthz and /metrics answer throughout.
 */
class ReadinessTest {

  @Test
  void readinessFlipsWhenTheBrokerStopsAndReturns(@TempDir Path dir) throws Exception {
    Vertx vertx = Vertx.vertx();
    try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, 0).start()) {
      KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), "ready.");
      AtomicBoolean joined = new AtomicBoolean(true);
      HealthServer health =
          HealthServer.join(
                  vertx,
                  "test-stage",
                  "127.0.0.1",
                  0,
                  () ->
                      ReadinessCheck.kafka(
                          kafka,
                          List.of(kafka.topics().requests()),
                          "test-stage",
                          Duration.ofMillis(300)))
              .await();
      health.require("consumer", joined::get);
      TestHttp http = new TestHttp(health.port(), "none");

      assertEquals(200, http.get("/healthz").status());
      // the topic is missing: not ready, and it says why
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  http.get("/readyz")
                      .json()
                      .getJsonObject("checks")
                      .getJsonObject("topics")
                      .getJsonArray("missing")
                      .contains(kafka.topics().requests()));
      assertEquals(503, http.get("/readyz").status());
      TopicInitializer.ensureBlocking(
          kafka, List.of(TopicSpec.of(kafka.topics().requests(), 1, (short) 1)));
      await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/readyz").status() == 200);

      joined.set(false);
      assertEquals(503, http.get("/readyz").status());
      joined.set(true);
      assertEquals(200, http.get("/readyz").status());

      broker.stop();
      await().atMost(Duration.ofSeconds(15)).until(() -> http.get("/readyz").status() == 503);
      assertEquals(
          false,
          http.get("/readyz")
              .json()
              .getJsonObject("checks")
              .getJsonObject("kafka")
              .getBoolean("ok"));
      assertEquals(200, http.get("/healthz").status());

      broker.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> http.get("/readyz").status() == 200);

      Meters.deliveryAttempt("delivered");
      var metrics = http.send("GET", "/metrics", Map.of(), null);
      assertEquals(200, metrics.status());
      String text = metrics.json().getString("non_json_body");
      assertTrue(text.contains("jvm_memory_used_bytes"), text);
      assertTrue(
          text.contains("hookrun_webhook_delivery_attempts_total{outcome=\"delivered\"}"), text);
      health.leave().await();
    } finally {
      vertx.close().await();
    }
  }
}
