package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.apps.AppCatalog;
import dev.hookrun.common.run.Priority;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PredictRequestParserTest {

  private static final int ECHO_MAX = 1_000;

  private final PredictRequestParser parser =
      new PredictRequestParser(
          Duration.ofHours(24),
          Duration.ofHours(24),
          ECHO_MAX,
          Duration.ofDays(7),
          Clock.systemUTC());

  private PredictRequestParser.Outcome parse(String body) {
    return parser.parse(AppCatalog.DELAY, Buffer.buffer(body));
  }

  @Test
  void acceptsAValidBodyAndPassesUnknownFieldsToTheModel() {
    var outcome =
        parse(
            "{\"delayMins\": 1.5, \"webhook_endpoint\": \"https://example.com/hook\", \"extra\": {\"a\": 1}}");
    assertNull(outcome.error());
    assertEquals("https://example.com/hook", outcome.parsed().webhookEndpoint());
    assertEquals(
        new JsonObject().put("delayMins", 1.5).put("extra", new JsonObject().put("a", 1)),
        outcome.parsed().input());
  }

  /** The parser remembers its verdict on a URL: a remembered verdict must be the same one. */
  @Test
  void theSameWebhookUrlGetsTheSameVerdictEveryTime() {
    for (int i = 0; i < 3; i++) {
      var bad = parse("{\"webhook_endpoint\": \"https://exa mple.com/hook\"}");
      assertEquals("webhook_endpoint", bad.error().field());
      assertEquals(
          "webhook_endpoint must be an absolute http or https URL.", bad.error().message());
      var badHost = parse("{\"webhook_endpoint\": \"http://example.com:70000/hook\"}");
      assertEquals("webhook_endpoint has a port outside 1-65535.", badHost.error().message());
      var good =
          parse("{\"webhook_endpoint\": \"https://example.com/hook\", \"delayMins\": " + i + "}");
      assertNull(good.error());
      assertEquals("https://example.com/hook", good.parsed().webhookEndpoint());
      assertEquals(new JsonObject().put("delayMins", i), good.parsed().input());
    }
    var notText = parse("{\"webhook_endpoint\": 42}");
    assertEquals(
        "webhook_endpoint must be an absolute http or https URL.", notText.error().message());
  }

  @Test
  void aBodyWithoutWebhookHasNoEndpoint() {
    var outcome = parse("{\"delayMins\": 0}");
    assertNull(outcome.error());
    assertNull(outcome.parsed().webhookEndpoint());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "not json", "{\"delayMins\": }"})
  void invalidJsonIsA400(String body) {
    var outcome = parse(body);
    assertEquals(400, outcome.error().status());
    assertEquals("invalid_json", outcome.error().code());
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "[1,2]", "42", "\"text\"", "null", "true"})
  void aBodyThatIsNotAnObjectIsA400(String body) {
    var outcome = parse(body);
    assertEquals(400, outcome.error().status());
    assertTrue(outcome.error().code().startsWith("invalid_"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "{\"delayMins\": null}",
        "{\"delayMins\": \"5\"}",
        "{\"delayMins\": -1}",
        "{\"delayMins\": true}",
        "{\"delayMins\": [1]}"
      })
  void aMissingNonNumericOrNegativeDelayIsA400NamingTheField(String body) {
    var outcome = parse(body);
    assertEquals(400, outcome.error().status());
    assertEquals("delayMins", outcome.error().field());
  }

  @Test
  void aDelayAboveTheMaximumRunTimeIsA400() {
    var outcome =
        new PredictRequestParser(
                Duration.ofMinutes(10),
                Duration.ofHours(24),
                ECHO_MAX,
                Duration.ofDays(7),
                Clock.systemUTC())
            .parse(AppCatalog.DELAY, Buffer.buffer("{\"delayMins\": 11}"));
    assertEquals(400, outcome.error().status());
    assertEquals("delayMins", outcome.error().field());
    assertTrue(outcome.error().message().contains("maximum run time"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ftp://example.com/x",
        "/relative/path",
        "example.com/hook",
        "http://",
        "https://user:pw@example.com/h",
        "javascript:alert(1)",
        "http://exa mple.com/"
      })
  void aWebhookThatIsNotAnAbsoluteHttpUrlIsA400(String url) {
    var outcome = parse(new JsonObject().put("delayMins", 0).put("webhook_endpoint", url).encode());
    assertEquals(400, outcome.error().status());
    assertEquals("webhook_endpoint", outcome.error().field());
  }

  /** A webhook URL no connection could ever be made to is refused at once. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://localhost:99999/h",
        "http://localhost:0/h",
        "https://example.com:65536/",
        "http://999.999.999.999/h",
        "http://1.2.3/h",
        "http://exa_mple.com/h",
        "http://-bad.example.com/h",
        "http://bad-.example.com/h",
        "http://a..b/h",
        "http://[zz::1]/h",
        "http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.com/h"
      })
  void aWebhookWithAnImpossiblePortOrHostIsA400NamingTheField(String url) {
    var outcome = parse(new JsonObject().put("delayMins", 0).put("webhook_endpoint", url).encode());
    assertEquals(400, outcome.error().status(), url);
    assertEquals("invalid_field", outcome.error().code());
    assertEquals("webhook_endpoint", outcome.error().field());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://localhost:1/h",
        "https://example.com:65535/h",
        "http://127.0.0.1:9000/hook",
        "http://[::1]:8080/hook",
        "https://hooks.example.co.uk./x",
        "http://my-host/h",
        "http://10.0.0.1/h"
      })
  void aWebhookWithAValidPortAndHostIsAccepted(String url) {
    var outcome = parse(new JsonObject().put("delayMins", 0).put("webhook_endpoint", url).encode());
    assertNull(outcome.error(), url);
    assertEquals(url, outcome.parsed().webhookEndpoint());
  }

  @Test
  void aWebhookThatIsNotAStringIsA400() {
    var outcome = parse("{\"delayMins\": 0, \"webhook_endpoint\": 5}");
    assertEquals("webhook_endpoint", outcome.error().field());
  }

  @Test
  void aQueueTtlIsTakenOutOfTheInputAndBounded() {
    var outcome = parse("{\"delayMins\": 0, \"queue_ttl_seconds\": 30}");
    assertEquals(Duration.ofSeconds(30), outcome.parsed().queueTtl());
    assertFalse(outcome.parsed().input().containsKey("queue_ttl_seconds"));
    assertEquals(Duration.ofHours(24), parse("{\"delayMins\": 0}").parsed().queueTtl());
    assertEquals(
        "queue_ttl_seconds", parse("{\"delayMins\": 0, \"queue_ttl_seconds\": 0}").error().field());
    assertEquals(
        "queue_ttl_seconds",
        parse("{\"delayMins\": 0, \"queue_ttl_seconds\": 90000}").error().field());
  }

  @Test
  void aPriorityIsTakenOutOfTheInputAndDefaultsToNormal() {
    var high = parse("{\"delayMins\": 0, \"priority\": \"high\"}");
    assertNull(high.error());
    assertEquals(Priority.HIGH, high.parsed().priority());
    assertEquals(new JsonObject().put("delayMins", 0), high.parsed().input());
    assertEquals(
        Priority.LOW, parse("{\"delayMins\": 0, \"priority\": \"low\"}").parsed().priority());
    assertEquals(Priority.NORMAL, parse("{\"delayMins\": 0}").parsed().priority());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"\"urgent\"", "\"HIGH\"", "\"\"", "1", "null", "{}", "[\"high\"]", "true"})
  void anythingButTheThreeLevelsIsA400NamingPriority(String value) {
    var outcome = parse("{\"delayMins\": 0, \"priority\": " + value + "}");
    assertEquals(400, outcome.error().status());
    assertEquals("invalid_field", outcome.error().code());
    assertEquals("priority", outcome.error().field());
    assertEquals(
        "priority must be one of \"high\", \"normal\" or \"low\".", outcome.error().message());
  }

  @Test
  void httpAndHttpsUrlsAreAccepted() {
    assertTrue(WebhookEndpointCheck.isAbsoluteHttpUrl("http://localhost:9000/hook"));
    assertTrue(WebhookEndpointCheck.isAbsoluteHttpUrl("HTTPS://Example.com/a?b=c"));
    assertFalse(WebhookEndpointCheck.isAbsoluteHttpUrl("https:///nohost"));
  }

  @Test
  void anEchoPayloadOverEchoMaxBytesIsRefusedNamingTheSetting() {
    var atTheBound = parser.parse(AppCatalog.ECHO, Buffer.buffer("{\"payloadBytes\": 1000}"));
    assertNull(atTheBound.error());
    var over = parser.parse(AppCatalog.ECHO, Buffer.buffer("{\"payloadBytes\": 1001}"));
    assertEquals("payloadBytes", over.error().field());
    assertTrue(over.error().message().contains("ECHO_MAX_BYTES"), over.error().message());
  }

  private static final java.time.Instant NOW = java.time.Instant.parse("2026-12-01T10:00:00Z");

  private PredictRequestParser.Outcome parseScheduled(String fields) {
    return new PredictRequestParser(
            Duration.ofHours(24),
            Duration.ofHours(24),
            ECHO_MAX,
            Duration.ofDays(7),
            java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC))
        .parse(AppCatalog.DELAY, Buffer.buffer("{\"delayMins\": 0, " + fields + "}"));
  }

  @Test
  void runAtAndDelaySecondsScheduleTheRunAndAreNotPassedToTheModel() {
    var at = parseScheduled("\"run_at\": \"2026-12-08T10:00:00Z\"");
    assertEquals(java.time.Instant.parse("2026-12-08T10:00:00Z"), at.parsed().scheduledFor());
    assertFalse(at.parsed().input().containsKey("run_at"));
    var offset = parseScheduled("\"run_at\": \"2026-12-01T12:00:00+01:00\"");
    assertEquals(NOW.plusSeconds(3600), offset.parsed().scheduledFor());
    var delay = parseScheduled("\"delay_seconds\": 90");
    assertEquals(NOW.plusSeconds(90), delay.parsed().scheduledFor());
    assertFalse(delay.parsed().input().containsKey("delay_seconds"));
  }

  @Test
  void aZeroDelayOrARunAtJustPassedRunsNow() {
    assertNull(parseScheduled("\"delay_seconds\": 0").parsed().scheduledFor());
    assertNull(parseScheduled("\"run_at\": \"2026-12-01T09:59:30Z\"").parsed().scheduledFor());
    assertNull(parseScheduled("\"priority\": \"low\"").parsed().scheduledFor());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"run_at\": \"2026-12-08T10:00:00Z\", \"delay_seconds\": 5|run_at",
        "\"run_at\": \"2026-12-08T10:00:01Z\"|run_at",
        "\"run_at\": \"2026-12-01T09:58:00Z\"|run_at",
        "\"run_at\": \"2026-12-08T10:00:00\"|run_at",
        "\"run_at\": \"tomorrow\"|run_at",
        "\"run_at\": 1765188000|run_at",
        "\"delay_seconds\": 604801|delay_seconds",
        "\"delay_seconds\": -1|delay_seconds",
        "\"delay_seconds\": 2.5|delay_seconds",
        "\"delay_seconds\": \"60\"|delay_seconds"
      })
  void aBadScheduleIsA400NamingTheField(String caseAndField) {
    String[] parts = caseAndField.split("\\|");
    var outcome = parseScheduled(parts[0]);
    assertNull(outcome.parsed(), parts[0]);
    assertEquals("invalid_field", outcome.error().code(), parts[0]);
    assertEquals(parts[1], outcome.error().field(), parts[0]);
  }
}
