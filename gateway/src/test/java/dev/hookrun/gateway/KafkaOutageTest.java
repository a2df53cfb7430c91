package dev.hookrun.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hookrun.kafka.EmbeddedKafkaBroker;
import dev.hookrun.testkit.TestHttp;
import dev.hookrun.testkit.TopicReader;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With its own broker, stopped and restarted mid-test: a 503 while Kafka is away, never a 202. */
class KafkaOutageTest {

  private static final String BODY = "{\"delayMins\": 0, \"webhook_endpoint\": \"https://example.com/h\"}";
  private static final String PATH = "/v3/p-1/webhook-delay-example/predict";

  @Test
  void answers503WhileKafkaIsDownAndRecoversWhenItReturns(@TempDir Path dir) {
    Vertx vertx = Vertx.vertx();
    try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, 0).start()) {
      GatewayConfig config = GatewayConfig.fromEnv(Map.of(
          "HTTP_PORT", "0", "HTTP_HOST", "127.0.0.1", "API_KEYS", "k=p-1", "KAFKA_SEND_TIMEOUT", "2s",
          "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers()));
      GatewayVerticle gateway = new GatewayVerticle(config);
      vertx.deployVerticle(gateway).await();
      TestHttp http = new TestHttp(gateway.actualPort(), "k");
      assertEquals(202, http.post(PATH, BODY).status());

      broker.stop();
      var refused = http.post(PATH, BODY);
      assertEquals(503, refused.status());
      assertEquals("kafka_unavailable", refused.json().getJsonObject("error").getString("code"));
      // while down, answers are immediate 503s (the gate), not a pile-up of timeouts
      long t0 = System.nanoTime();
      assertEquals(503, http.post(PATH, BODY).status());
      assertEquals(true, (System.nanoTime() - t0) < 1_000_000_000L, "a 503 during an outage must not wait");

      broker.start();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> http.post(PATH, BODY).status() == 202);
      // exactly the acknowledged requests are in the topic: nothing refused slipped in
      long accepted = TopicReader.readAll(broker.bootstrapServers(), config.kafka().topics().requests()).size();
      assertEquals(2, accepted);
    } finally {
      vertx.close().await();
    }
  }
}
