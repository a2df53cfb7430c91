package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.testkit.SharedTestBroker;
import dev.hookrun.testkit.TestHttp;
import dev.hookrun.testkit.TopicReader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The predict route as a client sees it, with the requests topic on a real broker behind it. */
class GatewayApiTest {

  private static final String KEY = "key-" + UUID.randomUUID();
  private static final String OTHER_KEY = "other-" + UUID.randomUUID();
  private static final String PATH = "/v3/p-1/webhook-delay-example/predict";

  private static Vertx vertx;
  private static GatewayConfig config;
  private static TestHttp http;
  private static int port;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    config =
        GatewayConfig.fromEnv(
            Map.of(
                "HTTP_PORT",
                "0",
                "HTTP_HOST",
                "127.0.0.1",
                "ADMIN_HTTP_PORT",
                "0",
                "BODY_LIMIT",
                "2048",
                "API_KEYS",
                KEY + "=p-1," + OTHER_KEY + "=p-2",
                "KAFKA_BOOTSTRAP_SERVERS",
                SharedTestBroker.bootstrapServers(),
                "TOPIC_PREFIX",
                "gw-" + UUID.randomUUID() + "."));
    GatewayVerticle gateway = new GatewayVerticle(config);
    vertx.deployVerticle(gateway).await();
    port = gateway.actualPort();
    http = new TestHttp(port, KEY);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static void assertError(TestHttp.Response response, int status, String code) {
    assertEquals(status, response.status(), () -> "body: " + response.json());
    JsonObject error = response.json().getJsonObject("error");
    assertNotNull(error, () -> "no error object in " + response.json());
    assertEquals(code, error.getString("code"));
    assertFalse(error.getString("message").isBlank());
  }

  @Test
  void anAcceptedRequestIsOnTheRequestsTopicKeyedByRunIdBeforeThe202() {
    var response =
        http.post(
            PATH,
            "{\"delayMins\": 0.5, \"webhook_endpoint\": \"https://example.com/h\", \"temperature\": 0.7}");
    assertEquals(202, response.status());
    String runId = response.json().getString("run_id");

    var records =
        TopicReader.valuesFor(
            config.kafka().bootstrapServers(), config.kafka().topics().requests(), runId);
    assertEquals(1, records.size());
    JsonObject request = records.get(0);
    assertEquals("p-1", request.getString("project"));
    assertEquals("webhook-delay-example", request.getString("app"));
    assertEquals("https://example.com/h", request.getString("webhook_endpoint"));
    assertEquals(
        new JsonObject().put("delayMins", 0.5).put("temperature", 0.7),
        request.getJsonObject("input"));
  }

  @Test
  void bearerKeysAreAccepted() {
    var response =
        http.send(
            "POST",
            PATH,
            Map.of("Authorization", "Bearer " + KEY, "Content-Type", "application/json"),
            "{\"delayMins\": 0, \"webhook_endpoint\": \"https://example.com/h\"}");
    assertEquals(202, response.status());
  }

  @Test
  void aMissingOrUnknownKeyIs401() {
    assertError(
        http.send("POST", PATH, Map.of("Content-Type", "application/json"), "{\"delayMins\": 0}"),
        401,
        "unauthorized");
    assertError(
        http.send(
            "POST",
            PATH,
            Map.of("Authorization", "nope", "Content-Type", "application/json"),
            "{\"delayMins\": 0}"),
        401,
        "unauthorized");
  }

  @Test
  void aKeyOfAnotherProjectIs403() {
    assertError(
        http.send(
            "POST",
            PATH,
            Map.of("Authorization", OTHER_KEY, "Content-Type", "application/json"),
            "{\"delayMins\": 0}"),
        403,
        "forbidden");
  }

  @Test
  void anUnknownAppIs404() {
    assertError(http.post("/v3/p-1/no-such-app/predict", "{\"delayMins\": 0}"), 404, "unknown_app");
  }

  @Test
  void aBodyThatIsNotJsonTypedIs415() {
    assertError(
        http.send(
            "POST",
            PATH,
            Map.of("Authorization", KEY, "Content-Type", "text/plain"),
            "{\"delayMins\": 0}"),
        415,
        "unsupported_media_type");
  }

  @Test
  void aBodyOverTheLimitIs413() {
    String big = "{\"delayMins\": 0, \"pad\": \"" + "x".repeat(4096) + "\"}";
    assertError(http.post(PATH, big), 413, "body_too_large");
  }

  @Test
  void badBodiesAre400WithTheField() {
    assertError(http.post(PATH, "{oops"), 400, "invalid_json");
    assertError(http.post(PATH, "[1]"), 400, "invalid_body");
    var negative = http.post(PATH, "{\"delayMins\": -2}");
    assertError(negative, 400, "invalid_field");
    assertEquals("delayMins", negative.json().getJsonObject("error").getString("field"));
    var badHook = http.post(PATH, "{\"delayMins\": 1, \"webhook_endpoint\": \"ftp://x\"}");
    assertEquals("webhook_endpoint", badHook.json().getJsonObject("error").getString("field"));
  }

  @Test
  void unknownRoutesAnswerJsonErrors() {
    assertError(http.get("/v3/nothing"), 404, "not_found");
  }

  @Test
  void aMediaTypeThatOnlyStartsLikeJsonIs415() {
    String body = "{\"delayMins\": 0, \"webhook_endpoint\": \"https://example.com/h\"}";
    assertError(
        http.send(
            "POST", PATH, Map.of("Authorization", KEY, "Content-Type", "application/jsonx"), body),
        415,
        "unsupported_media_type");
    assertError(
        http.send(
            "POST",
            PATH,
            Map.of("Authorization", KEY, "Content-Type", "application/json-patch+json"),
            body),
        415,
        "unsupported_media_type");
  }

  @Test
  void jsonWithParametersInAnyCaseIsAccepted() {
    var response =
        http.send(
            "POST",
            PATH,
            Map.of("Authorization", KEY, "Content-Type", "Application/JSON ; charset=UTF-8"),
            "{\"delayMins\": 0, \"webhook_endpoint\": \"https://example.com/h\"}");
    assertEquals(202, response.status(), () -> "body: " + response.json());
  }

  @Test
  void aMalformedPathIsAJson400() throws Exception {
    // the JDK client refuses to send such a URI, so the request is written by hand
    String answer =
        RawHttp.exchange(
            port,
            "GET /v3/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                + KEY
                + "\r\nConnection: close\r\n\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
    JsonObject error = RawHttp.body(answer).getJsonObject("error");
    assertEquals("invalid_request", error.getString("code"), answer);
    assertFalse(error.getString("message").isBlank());
  }

  @Test
  void requestsTheHttpDecoderRefusesGetJsonErrorsToo() throws Exception {
    String huge =
        RawHttp.exchange(
            port,
            "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: "
                + "x".repeat(20_000)
                + "\r\n\r\n");
    assertTrue(huge.startsWith("HTTP/1.1 431"), huge);
    assertEquals("headers_too_large", RawHttp.body(huge).getJsonObject("error").getString("code"));
  }

  @Test
  void aCallerWithoutAValidKeyIsRefusedBeforeItsBodyIsRead() {
    // over BODY_LIMIT: reading the body first answered 413 to a caller who may not send anything
    String big = "{\"delayMins\": 0, \"pad\": \"" + "x".repeat(4096) + "\"}";
    assertError(
        http.send("POST", PATH, Map.of("Content-Type", "application/json"), big),
        401,
        "unauthorized");
    assertError(
        http.send(
            "POST",
            PATH,
            Map.of("Authorization", OTHER_KEY, "Content-Type", "application/json"),
            big),
        403,
        "forbidden");
  }
}
