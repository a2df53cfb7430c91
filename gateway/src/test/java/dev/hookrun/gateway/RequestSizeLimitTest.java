package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.testkit.SharedTestBroker;
import dev.hookrun.testkit.TestEnv;
import dev.hookrun.testkit.TestHttp;
import dev.hookrun.testkit.TopicReader;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BODY_LIMIT, the producer's max.request.size and the requests topic's max.message.bytes agree: a
 * body under the limit is queued, a request Kafka cannot take is a 413 (never "retry shortly"), and
 * a gateway whose Kafka cannot carry its BODY_LIMIT refuses to start.
 */
class RequestSizeLimitTest {

  private static final String PATH = "/v3/p-1/webhook-delay-example/predict";
  private Vertx vertx;
  private String prefix;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    prefix = "size-" + UUID.randomUUID() + ".";
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private Map<String, String> env(Map<String, String> extra) {
    return TestEnv.gateway(SharedTestBroker.bootstrapServers(), prefix, "k=p-1", extra);
  }

  private GatewayConfig deploy(Map<String, String> extra, TestHttp[] http) {
    GatewayConfig config = GatewayConfig.fromEnv(env(extra));
    GatewayVerticle gateway = new GatewayVerticle(config);
    vertx.deployVerticle(gateway).await();
    http[0] = new TestHttp(gateway.actualPort(), "k");
    return config;
  }

  /** A predict body of exactly {@code size} bytes (ASCII). */
  private static String bodyOf(int size) {
    String head = "{\"delayMins\": 0, \"webhook_endpoint\": \"https://example.com/h\", \"pad\": \"";
    String tail = "\"}";
    return head + "x".repeat(size - head.length() - tail.length()) + tail;
  }

  @Test
  void aBodyJustUnderTheDefaultLimitIsQueued() {
    TestHttp[] http = new TestHttp[1];
    GatewayConfig config = deploy(Map.of(), http);
    assertEquals(1_048_576, config.bodyLimitBytes());
    // the size from the issue: under BODY_LIMIT, over Kafka's 1 MiB default max.request.size once
    // wrapped
    var response = http[0].post(PATH, bodyOf(1_048_327));
    assertEquals(202, response.status(), () -> "body: " + response.json());
    String runId = response.json().getString("run_id");
    assertEquals(
        1,
        TopicReader.valuesFor(
                config.kafka().bootstrapServers(), config.kafka().topics().requests(), runId)
            .size());
  }

  @Test
  void aRequestThatGrowsPastTheLimitWhenQueuedIs413NotRetryShortly() {
    TestHttp[] http = new TestHttp[1];
    deploy(Map.of(), http);
    // under BODY_LIMIT as sent, but 1e9 is queued as 1.0E9: the record outgrows the envelope
    StringBuilder numbers =
        new StringBuilder(
            "{\"delayMins\": 0, \"webhook_endpoint\": \"https://example.com/h\", \"xs\": [1e9");
    while (numbers.length() < 1_000_000) {
      numbers.append(",1e9");
    }
    String body = numbers.append("]}").toString();
    var response = http[0].post(PATH, body);
    assertEquals(413, response.status(), () -> "body: " + response.json());
    assertEquals("body_too_large", response.json().getJsonObject("error").getString("code"));
  }

  @Test
  void theRequestsTopicIsCreatedWithRoomForTheLimit() throws Exception {
    TestHttp[] http = new TestHttp[1];
    GatewayConfig config = deploy(Map.of("BODY_LIMIT", "3000000"), http);
    assertEquals(
        Long.toString(config.kafka().requestLimits().maxRecordBytes()),
        maxMessageBytes(config.kafka()));
    var response = http[0].post(PATH, bodyOf(2_999_000));
    assertEquals(202, response.status(), () -> "body: " + response.json());
  }

  @Test
  void aGatewayRefusesToStartWhenTheRequestsTopicCannotHoldItsLimit() throws Exception {
    KafkaSettings kafka = GatewayConfig.fromEnv(env(Map.of())).kafka();
    try (Admin admin =
        Admin.create(KafkaClientProperties.asObjects(KafkaClientProperties.admin(kafka, "test")))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(kafka.topics().requests(), 1, (short) 1)
                      .configs(Map.of("max.message.bytes", "100000"))))
          .all()
          .get(20, TimeUnit.SECONDS);
    }
    GatewayVerticle gateway = new GatewayVerticle(GatewayConfig.fromEnv(env(Map.of())));
    Exception e = assertThrows(Exception.class, () -> vertx.deployVerticle(gateway).await());
    assertTrue(
        e.getMessage().contains("max.message.bytes=100000")
            && e.getMessage().contains("BODY_LIMIT=1048576"),
        e.getMessage());
  }

  @Test
  void aGatewayRefusesToStartWhenTheClientMaxRequestSizeCannotHoldItsLimit(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, "max.request.size=500000\n");
    GatewayVerticle gateway =
        new GatewayVerticle(
            GatewayConfig.fromEnv(env(Map.of("KAFKA_CLIENT_CONFIG_FILE", file.toString()))));
    Exception e = assertThrows(Exception.class, () -> vertx.deployVerticle(gateway).await());
    assertTrue(e.getMessage().contains("max.request.size=500000"), e.getMessage());
  }

  private static String maxMessageBytes(KafkaSettings kafka) throws Exception {
    var resource = new ConfigResource(ConfigResource.Type.TOPIC, kafka.topics().requests());
    try (Admin admin =
        Admin.create(KafkaClientProperties.asObjects(KafkaClientProperties.admin(kafka, "test")))) {
      return admin
          .describeConfigs(List.of(resource))
          .all()
          .get(20, TimeUnit.SECONDS)
          .get(resource)
          .get("max.message.bytes")
          .value();
    }
  }
}
