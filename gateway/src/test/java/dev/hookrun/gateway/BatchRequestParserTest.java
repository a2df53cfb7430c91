package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.apps.AppCatalog;
import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;
import dev.hookrun.common.run.Priority;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchRequestParserTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final int MAX_ITEMS = 5;
  private static final int ITEM_LIMIT = 400;

  private final BatchRequestParser parser =
      new BatchRequestParser(
          new PredictRequestParser(
              Duration.ofHours(24),
              Duration.ofHours(24),
              1_000,
              Duration.ofDays(7),
              Clock.fixed(NOW, ZoneOffset.UTC)),
          MAX_ITEMS,
          ITEM_LIMIT);

  private BatchRequestParser.Outcome json(String body) {
    return parser.parseJson(AppCatalog.DELAY, Buffer.buffer(body));
  }

  private BatchRequestParser.Outcome ndjson(String body, MultiMap query) {
    return parser.parseNdjson(AppCatalog.DELAY, Buffer.buffer(body), query);
  }

  private BatchRequestParser.Outcome ndjson(String body) {
    return ndjson(body, MultiMap.caseInsensitiveMultiMap());
  }

  private static void assertError(
      BatchRequestParser.Outcome outcome, ErrorCode code, String field, String messagePart) {
    ApiError error = outcome.error();
    assertNull(outcome.batch(), "a rejected batch has no items");
    assertEquals(code.wire(), error.code(), error.message());
    assertEquals(code.status(), error.status());
    assertEquals(field, error.field());
    assertTrue(
        error.message().contains(messagePart),
        "message should contain '" + messagePart + "': " + error.message());
  }

  @Test
  void aJsonBatchGivesItsItemsInOrderWithTheBatchWebhookAndFilter() {
    var outcome =
        json(
            "{\"inputs\": [{\"delayMins\": 0, \"custom_id\": \"a\"}, {\"delayMins\": 1}],"
                + " \"webhook_endpoint\": \"https://example.com/batch\","
                + " \"webhook_events_filter\": [\"batch.completed\", \"batch.completed\"]}");
    assertNull(outcome.error());
    var batch = outcome.batch();
    assertEquals(2, batch.items().size());
    assertEquals("a", batch.items().get(0).customId());
    assertNull(batch.items().get(1).customId());
    // the custom_id is the batch's, not the model's
    assertEquals(new JsonObject().put("delayMins", 0), batch.items().get(0).parsed().input());
    assertEquals(new JsonObject().put("delayMins", 1), batch.items().get(1).parsed().input());
    assertEquals("https://example.com/batch", batch.webhookEndpoint());
    assertEquals(List.of("batch.completed"), batch.webhookEvents());
    // items do not inherit the batch's webhook
    assertNull(batch.items().get(0).parsed().webhookEndpoint());
  }

  @Test
  void aBatchWithoutWebhookOrFilterHasNeither() {
    var batch = json("{\"inputs\": [{\"delayMins\": 0}]}").batch();
    assertNull(batch.webhookEndpoint());
    assertNull(batch.webhookEvents());
    assertTrue(BatchRequestParser.wantsCompletion(batch.webhookEvents()));
  }

  @Test
  void anItemKeepsItsOwnWebhookPriorityAndStartTime() {
    var batch =
        json("{\"inputs\": [{\"delayMins\": 0, \"webhook_endpoint\": \"https://example.com/one\","
                + " \"priority\": \"high\", \"run_at\": \"2026-03-01T13:00:00Z\"},"
                + " {\"delayMins\": 0, \"delay_seconds\": 60}, {\"delayMins\": 0}]}")
            .batch();
    var first = batch.items().get(0).parsed();
    assertEquals("https://example.com/one", first.webhookEndpoint());
    assertEquals(Priority.HIGH, first.priority());
    assertEquals(Instant.parse("2026-03-01T13:00:00Z"), first.scheduledFor());
    assertEquals(NOW.plusSeconds(60), batch.items().get(1).parsed().scheduledFor());
    var third = batch.items().get(2).parsed();
    assertNull(third.webhookEndpoint());
    assertEquals(Priority.NORMAL, third.priority());
    assertNull(third.scheduledFor());
  }

  @Test
  void ndjsonTakesOneInputALineAndTheBatchOptionsFromTheQuery() {
    MultiMap query =
        MultiMap.caseInsensitiveMultiMap()
            .add("webhook_endpoint", "https://example.com/batch")
            .add("webhook_events_filter", "batch.completed, completed")
            .add("webhook_events_filter", "completed");
    var outcome =
        ndjson(
            "{\"delayMins\": 0, \"custom_id\": \"x\"}\n\n  \n{\"delayMins\": 2, \"priority\": \"low\"}\n",
            query);
    assertNull(outcome.error());
    var batch = outcome.batch();
    assertEquals(2, batch.items().size());
    assertEquals("x", batch.items().get(0).customId());
    assertEquals(Priority.LOW, batch.items().get(1).parsed().priority());
    assertEquals("https://example.com/batch", batch.webhookEndpoint());
    assertEquals(List.of("batch.completed", "completed"), batch.webhookEvents());
  }

  @Test
  void aFieldErrorNamesTheItemByIndex() {
    assertError(
        json("{\"inputs\": [{\"delayMins\": 0}, {\"delayMins\": 0}, {\"delayMins\": -1}]}"),
        ErrorCode.INVALID_FIELD,
        "inputs[2].delayMins",
        "inputs[2].delayMins: ");
    assertError(
        json("{\"inputs\": [{\"delayMins\": 0, \"priority\": \"urgent\"}]}"),
        ErrorCode.INVALID_FIELD,
        "inputs[0].priority",
        "inputs[0].priority");
    assertError(
        json("{\"inputs\": [{\"delayMins\": 0}, 7]}"),
        ErrorCode.INVALID_FIELD,
        "inputs[1]",
        "inputs[1] must be a JSON object");
    // the index counts inputs, not lines: blank lines are skipped
    assertError(
        ndjson("{\"delayMins\": 0}\n\n{\"delayMins\": \"soon\"}\n"),
        ErrorCode.INVALID_FIELD,
        "inputs[1].delayMins",
        "inputs[1].delayMins");
    assertError(
        ndjson("{\"delayMins\": 0}\n{\"delayMins\": \n"),
        ErrorCode.INVALID_JSON,
        "inputs[1]",
        "the 2nd input line");
  }

  @Test
  void anItemScheduledTooFarAheadIsNamed() {
    assertError(
        json(
            "{\"inputs\": [{\"delayMins\": 0}, {\"delayMins\": 0, \"run_at\": \"2027-01-01T00:00:00Z\"}]}"),
        ErrorCode.INVALID_FIELD,
        "inputs[1].run_at",
        "inputs[1].run_at");
  }

  @Test
  void anItemLargerThanOnePredictBodyIsRefused() {
    String big = "x".repeat(ITEM_LIMIT);
    assertError(
        json("{\"inputs\": [{\"delayMins\": 0}, {\"delayMins\": 0, \"note\": \"" + big + "\"}]}"),
        ErrorCode.BODY_TOO_LARGE,
        "inputs[1]",
        "at most " + ITEM_LIMIT);
  }

  @Test
  void customIdsAreUniqueNonEmptyStringsOfAtMost255Characters() {
    assertError(
        json(
            "{\"inputs\": [{\"delayMins\": 0, \"custom_id\": \"a\"}, {\"delayMins\": 0},"
                + " {\"delayMins\": 0, \"custom_id\": \"a\"}]}"),
        ErrorCode.INVALID_FIELD,
        "inputs[2].custom_id",
        "\"a\" is already the custom_id of inputs[0]");
    assertError(
        json("{\"inputs\": [{\"delayMins\": 0, \"custom_id\": \"\"}]}"),
        ErrorCode.INVALID_FIELD,
        "inputs[0].custom_id",
        "1 to 255 characters");
    assertError(
        json("{\"inputs\": [{\"delayMins\": 0, \"custom_id\": 12}]}"),
        ErrorCode.INVALID_FIELD,
        "inputs[0].custom_id",
        "1 to 255 characters");
    assertError(
        json("{\"inputs\": [{\"delayMins\": 0, \"custom_id\": \"" + "c".repeat(256) + "\"}]}"),
        ErrorCode.INVALID_FIELD,
        "inputs[0].custom_id",
        "1 to 255 characters");
    var longest =
        json("{\"inputs\": [{\"delayMins\": 0, \"custom_id\": \"" + "c".repeat(255) + "\"}]}");
    assertNull(longest.error());
    // the same custom_id in two NDJSON lines
    assertError(
        ndjson(
            "{\"delayMins\": 0, \"custom_id\": \"k\"}\n{\"delayMins\": 0, \"custom_id\": \"k\"}"),
        ErrorCode.INVALID_FIELD,
        "inputs[1].custom_id",
        "already the custom_id of inputs[0]");
  }

  @Test
  void emptyInputsAreRefused() {
    assertError(json(""), ErrorCode.INVALID_JSON, null, "empty");
    assertError(json("{\"inputs\": []}"), ErrorCode.INVALID_FIELD, "inputs", "non-empty array");
    assertError(json("{}"), ErrorCode.INVALID_FIELD, "inputs", "non-empty array");
    assertError(json("{\"inputs\": {}}"), ErrorCode.INVALID_FIELD, "inputs", "non-empty array");
    assertError(json("[{\"delayMins\": 0}]"), ErrorCode.INVALID_BODY, null, "JSON object");
    assertError(json("{\"inputs\": ["), ErrorCode.INVALID_JSON, null, "not valid JSON");
    assertError(ndjson(""), ErrorCode.INVALID_FIELD, "inputs", "no inputs");
    assertError(ndjson("\n  \n\n"), ErrorCode.INVALID_FIELD, "inputs", "no inputs");
  }

  @Test
  void moreInputsThanTheMostAreRefusedWithoutParsingThem() {
    JsonArray inputs = new JsonArray();
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < MAX_ITEMS; i++) {
      inputs.add(new JsonObject().put("delayMins", 0));
      lines.append("{\"delayMins\": 0}\n");
    }
    assertNull(json(new JsonObject().put("inputs", inputs).encode()).error());
    assertNull(ndjson(lines.toString()).error());

    // one more: refused even though the extra input would not parse
    inputs.add(new JsonObject().put("delayMins", -1));
    lines.append("not json\n");
    assertError(
        json(new JsonObject().put("inputs", inputs).encode()),
        ErrorCode.TOO_MANY_INPUTS,
        "inputs",
        "at most " + MAX_ITEMS + " inputs (BATCH_MAX_ITEMS); this one has more");
    inputs.add(new JsonObject()).add(new JsonObject());
    assertError(
        json(new JsonObject().put("inputs", inputs).encode()),
        ErrorCode.TOO_MANY_INPUTS,
        "inputs",
        "this one has 8");
    assertError(ndjson(lines.toString()), ErrorCode.TOO_MANY_INPUTS, "inputs", "at most 5");
  }

  @Test
  void theBatchWebhookAndFilterAreChecked() {
    assertError(
        json("{\"inputs\": [{\"delayMins\": 0}], \"webhook_endpoint\": \"ftp://example.com\"}"),
        ErrorCode.INVALID_FIELD,
        "webhook_endpoint",
        "http");
    assertError(
        json("{\"inputs\": [{\"delayMins\": 0}], \"webhook_endpoint\": 3}"),
        ErrorCode.INVALID_FIELD,
        "webhook_endpoint",
        "http");
    assertError(
        json("{\"inputs\": [{\"delayMins\": 0}], \"webhook_events_filter\": [\"nope\"]}"),
        ErrorCode.INVALID_FIELD,
        "webhook_events_filter",
        "got nope");
    assertError(
        json("{\"inputs\": [{\"delayMins\": 0}], \"webhook_events_filter\": []}"),
        ErrorCode.INVALID_FIELD,
        "webhook_events_filter",
        "non-empty array");
    assertError(
        ndjson(
            "{\"delayMins\": 0}",
            MultiMap.caseInsensitiveMultiMap().add("webhook_events_filter", "batch.completed,x")),
        ErrorCode.INVALID_FIELD,
        "webhook_events_filter",
        "got x");
  }

  @Test
  void onlyAFilterNamingTheCompletionSendsIt() {
    assertTrue(BatchRequestParser.wantsCompletion(List.of("completed")));
    assertTrue(BatchRequestParser.wantsCompletion(List.of("start", "batch.completed")));
    assertEquals(false, BatchRequestParser.wantsCompletion(List.of("start", "progress")));
  }
}
