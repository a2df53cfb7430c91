package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.testkit.SharedTestBroker;
import dev.hookrun.testkit.TestEnv;
import dev.hookrun.testkit.TestHttp;
import dev.hookrun.testkit.TopicReader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code "priority"} in a predict body: checked, kept out of the model's input, carried in the
 * queued record, shown by every gateway's status and kept by a retry.
 */
class PriorityApiTest {

  private static final String KEY = "key-" + UUID.randomUUID();
  private static final String APP = "/v3/p-1/webhook-delay-example";

  private static Vertx vertx;
  private static GatewayConfig config;
  private static TestHttp http;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    config =
        GatewayConfig.fromEnv(
            TestEnv.gateway(
                SharedTestBroker.bootstrapServers(),
                "prio-" + UUID.randomUUID() + ".",
                KEY + "=p-1",
                Map.of()));
    GatewayVerticle gateway = new GatewayVerticle(config);
    vertx.deployVerticle(gateway).await();
    http = new TestHttp(gateway.actualPort(), KEY);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static List<ConsumerRecord<String, String>> requests() {
    return TopicReader.readAll(
        config.kafka().bootstrapServers(), config.kafka().topics().requests());
  }

  private static ConsumerRecord<String, String> requestOf(String runId) {
    return requests().stream().filter(r -> runId.equals(r.key())).findFirst().orElseThrow();
  }

  private static String predict(String body) {
    var accepted = http.post(APP + "/predict?async=true", body);
    assertEquals(202, accepted.status(), () -> accepted.json().encode());
    return accepted.json().getString("run_id");
  }

  @Test
  void aPriorityIsQueuedWithTheRunAndShownInItsStatusNotPassedToTheModel() {
    String runId = predict("{\"delayMins\": 1, \"priority\": \"high\"}");

    ConsumerRecord<String, String> record = requestOf(runId);
    JsonObject request = new JsonObject(record.value());
    assertEquals("high", request.getString("priority"));
    assertEquals(new JsonObject().put("delayMins", 1), request.getJsonObject("input"));
    assertEquals("high", RunHeaders.text(record.headers(), RunHeaders.PRIORITY));

    assertEquals("high", http.get(APP + "/runs/" + runId).json().getString("priority"));
  }

  @Test
  void withoutAPriorityARunIsNormal() {
    String runId = predict("{\"delayMins\": 1}");
    assertEquals("normal", new JsonObject(requestOf(runId).value()).getString("priority"));
    assertEquals("normal", http.get(APP + "/runs/" + runId).json().getString("priority"));
  }

  @Test
  void anotherGatewayShowsThePriorityItReadFromTheRecord() {
    String runId = predict("{\"delayMins\": 1, \"priority\": \"low\"}");
    GatewayVerticle other = new GatewayVerticle(config);
    String deployment = vertx.deployVerticle(other).await();
    try {
      var status = new TestHttp(other.actualPort(), KEY).get(APP + "/runs/" + runId);
      assertEquals(200, status.status(), () -> status.json().encode());
      assertEquals("low", status.json().getString("priority"));
    } finally {
      vertx.undeploy(deployment).await();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"urgent\"", "\"High\"", "\"\"", "2", "null", "{\"level\": \"high\"}"})
  void anythingButHighNormalOrLowIsA400NamingTheFieldAndQueuesNothing(String value) {
    int before = requests().size();
    var refused = http.post(APP + "/predict", "{\"delayMins\": 1, \"priority\": " + value + "}");
    assertEquals(400, refused.status(), () -> refused.json().encode());
    JsonObject error = refused.json().getJsonObject("error");
    assertEquals("invalid_field", error.getString("code"));
    assertEquals("priority", error.getString("field"));
    assertFalse(error.getString("message").isBlank());
    assertEquals(before, requests().size(), "nothing was queued");
  }

  @Test
  void aRetryKeepsThePriority() {
    String first = predict("{\"delayMins\": 1, \"priority\": \"low\"}");
    assertEquals(200, http.post(APP + "/runs/" + first + "/cancel", "").status());

    var retried = http.post(APP + "/runs/" + first + "/retry", "");
    assertEquals(202, retried.status(), () -> retried.json().encode());
    String retry = retried.json().getString("run_id");

    assertEquals("low", new JsonObject(requestOf(retry).value()).getString("priority"));
    JsonObject status = http.get(APP + "/runs/" + retry).json();
    assertEquals("low", status.getString("priority"));
    assertEquals(first, status.getString("retry_of"));
  }
}
