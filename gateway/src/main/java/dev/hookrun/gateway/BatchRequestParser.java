package dev.hookrun.gateway;

import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;
import dev.hookrun.common.run.WebhookEvents;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a batch body — a JSON object with {@code inputs}, or NDJSON with one input a line and the
 * batch's options as query parameters — into its items, or the one error that rejects the whole
 * batch. Each item is an ordinary predict body, parsed by {@link PredictRequestParser}; an error in
 * it names the item ({@code inputs[3].delayMins}). Pure: no I/O.
 */
final class BatchRequestParser {

  static final String INPUTS = "inputs";
  static final String CUSTOM_ID = "custom_id";
  private static final int MAX_CUSTOM_ID_LENGTH = 255;

  /** One input: what its predict would be, and the caller's name for it (null: none). */
  record Item(PredictRequestParser.Parsed parsed, String customId) {}

  /**
   * A parsed batch: its items in order, where its {@code batch.completed} goes (null: nowhere),
   * whether that webhook is wanted, and the {@link RequestFingerprint} of what was sent (the same
   * for a JSON and an NDJSON body saying the same).
   */
  record Batch(
      List<Item> items, String webhookEndpoint, List<String> webhookEvents, String fingerprint) {}

  record Outcome(Batch batch, ApiError error) {
    static Outcome fail(ApiError error) {
      return new Outcome(null, error);
    }
  }

  private final PredictRequestParser items;
  private final int maxItems;
  private final int bodyLimit;

  /**
   * @param bodyLimit the most bytes one item may take, as a predict body may (BODY_LIMIT)
   */
  BatchRequestParser(PredictRequestParser items, int maxItems, int bodyLimit) {
    this.items = items;
    this.maxItems = maxItems;
    this.bodyLimit = bodyLimit;
  }

  /** {@code {"inputs": […], "webhook_endpoint": …, "webhook_events_filter": […]}}. */
  Outcome parseJson(String app, Buffer body) {
    if (body == null || body.length() == 0) {
      return Outcome.fail(
          ApiError.of(ErrorCode.INVALID_JSON, "The request body is empty; send a JSON object."));
    }
    Object decoded;
    try {
      decoded = Json.decodeValue(body);
    } catch (DecodeException e) {
      return Outcome.fail(
          ApiError.of(ErrorCode.INVALID_JSON, "The request body is not valid JSON."));
    }
    if (!(decoded instanceof JsonObject json)) {
      return Outcome.fail(
          ApiError.of(ErrorCode.INVALID_BODY, "The request body must be a JSON object."));
    }
    if (!(json.getValue(INPUTS) instanceof JsonArray inputs) || inputs.isEmpty()) {
      return Outcome.fail(
          ApiError.field(INPUTS, INPUTS + " must be a non-empty array of predict bodies."));
    }
    ApiError tooMany = tooMany(inputs.size());
    if (tooMany != null) {
      return Outcome.fail(tooMany);
    }
    List<Object> raw = new ArrayList<>(inputs.size());
    inputs.forEach(raw::add);
    return parseItems(
        app,
        raw,
        json.getValue(PredictRequestParser.WEBHOOK_FIELD),
        json.getValue(WebhookEvents.FIELD));
  }

  /**
   * NDJSON: one predict body a line (blank lines are skipped); {@code webhook_endpoint} and {@code
   * webhook_events_filter} (repeated, or comma-separated) are query parameters.
   */
  Outcome parseNdjson(String app, Buffer body, MultiMap query) {
    String text = body == null ? "" : body.toString(StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      if (!line.isBlank()) {
        lines.add(line);
        if (lines.size() > maxItems) {
          return Outcome.fail(tooMany(lines.size()));
        }
      }
    }
    if (lines.isEmpty()) {
      return Outcome.fail(
          ApiError.field(INPUTS, "The body holds no inputs; send one predict body a line."));
    }
    List<Object> raw = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      try {
        raw.add(Json.decodeValue(lines.get(i)));
      } catch (DecodeException e) {
        return Outcome.fail(
            ApiError.of(
                ErrorCode.INVALID_JSON,
                "inputs[" + i + "] (the " + ordinal(i + 1) + " input line) is not valid JSON.",
                item(i)));
      }
    }
    Object events = null;
    List<String> filter = query.getAll(WebhookEvents.FIELD);
    if (!filter.isEmpty()) {
      JsonArray names = new JsonArray();
      filter.forEach(
          value -> {
            for (String name : value.split(",")) {
              names.add(name.trim());
            }
          });
      events = names;
    }
    return parseItems(app, raw, query.get(PredictRequestParser.WEBHOOK_FIELD), events);
  }

  private Outcome parseItems(String app, List<Object> raw, Object webhook, Object events) {
    // before the items are taken apart (their custom_id is removed from them)
    String fingerprint =
        RequestFingerprint.of(
            new JsonObject()
                .put(INPUTS, new JsonArray(raw))
                .put(PredictRequestParser.WEBHOOK_FIELD, webhook)
                .put(WebhookEvents.FIELD, events));
    String endpoint = null;
    if (webhook != null) {
      String problem =
          webhook instanceof String url
              ? WebhookEndpointCheck.endpointProblem(url)
              : "webhook_endpoint must be an absolute http or https URL.";
      if (!problem.isEmpty()) {
        return Outcome.fail(ApiError.field(PredictRequestParser.WEBHOOK_FIELD, problem));
      }
      endpoint = (String) webhook;
    }
    List<String> filter = null;
    if (events != null) {
      try {
        filter = batchEvents(events);
      } catch (IllegalArgumentException e) {
        return Outcome.fail(ApiError.field(WebhookEvents.FIELD, e.getMessage()));
      }
    }
    List<Item> parsed = new ArrayList<>(raw.size());
    Map<String, Integer> customIds = new HashMap<>();
    for (int i = 0; i < raw.size(); i++) {
      if (!(raw.get(i) instanceof JsonObject input)) {
        return Outcome.fail(ApiError.field(item(i), item(i) + " must be a JSON object."));
      }
      // as large as a predict body may be: each item becomes a request record of its own
      int bytes = input.toBuffer().length();
      if (bytes > bodyLimit) {
        return Outcome.fail(
            ApiError.of(
                ErrorCode.BODY_TOO_LARGE,
                item(i) + " is " + bytes + " bytes; one input may be at most " + bodyLimit + ".",
                item(i)));
      }
      String customId = null;
      if (input.containsKey(CUSTOM_ID)) {
        Object id = input.remove(CUSTOM_ID);
        String field = item(i) + "." + CUSTOM_ID;
        if (!(id instanceof String text)
            || text.isEmpty()
            || text.length() > MAX_CUSTOM_ID_LENGTH) {
          return Outcome.fail(
              ApiError.field(field, field + ": must be a string of 1 to 255 characters."));
        }
        Integer earlier = customIds.putIfAbsent(text, i);
        if (earlier != null) {
          return Outcome.fail(
              ApiError.field(
                  field,
                  field + ": \"" + text + "\" is already the custom_id of " + item(earlier)));
        }
        customId = text;
      }
      var outcome = items.parse(app, input);
      if (outcome.error() != null) {
        ApiError error = outcome.error();
        String field = error.field() == null ? item(i) : item(i) + "." + error.field();
        return Outcome.fail(
            new ApiError(error.status(), error.code(), field + ": " + error.message(), field));
      }
      parsed.add(new Item(outcome.parsed(), customId));
    }
    return new Outcome(new Batch(parsed, endpoint, filter, fingerprint), null);
  }

  private ApiError tooMany(int count) {
    if (count <= maxItems) {
      return null;
    }
    return ApiError.of(
        ErrorCode.TOO_MANY_INPUTS,
        "A batch holds at most "
            + maxItems
            + " inputs (BATCH_MAX_ITEMS); this one has "
            + (count > maxItems + 1 ? count : "more")
            + ". Split it.",
        INPUTS);
  }

  /**
   * The batch's own filter: its webhook gets {@code batch.completed} when the filter names it or
   * {@code completed} (the default). A run's event names are accepted too, as they mean nothing
   * here beyond that.
   */
  static List<String> batchEvents(Object raw) {
    String expected =
        WebhookEvents.FIELD
            + " of a batch must be a non-empty array of \"batch.completed\" (or the names a"
            + " predict accepts)";
    if (!(raw instanceof JsonArray array) || array.isEmpty()) {
      throw new IllegalArgumentException(expected + ".");
    }
    List<String> names = new ArrayList<>();
    for (Object name : array) {
      if (!(name instanceof String text)
          || !(WebhookEvents.ALL.contains(text) || WebhookEvents.BATCH_COMPLETED.equals(text))) {
        throw new IllegalArgumentException(expected + "; got " + name + ".");
      }
      if (!names.contains(text)) {
        names.add(text);
      }
    }
    return List.copyOf(names);
  }

  /** Whether a batch with this filter (null: the default) sends {@code batch.completed}. */
  static boolean wantsCompletion(List<String> filter) {
    return filter == null
        || filter.contains(WebhookEvents.BATCH_COMPLETED)
        || filter.contains(WebhookEvents.COMPLETED);
  }

  private static String item(int index) {
    return INPUTS + "[" + index + "]";
  }

  private static String ordinal(int n) {
    return n
        + (n % 100 >= 11 && n % 100 <= 13
            ? "th"
            : switch (n % 10) {
              case 1 -> "st";
              case 2 -> "nd";
              case 3 -> "rd";
              default -> "th";
            });
  }
}
