package dev.hookrun.gateway;

import dev.hookrun.common.apps.AppCatalog;
import dev.hookrun.common.http.ApiError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

/**
 * Turns a predict body into a model input and an optional webhook, or the 400 that explains
 * what is wrong with it. Pure: no I/O, so every rule is unit-tested.
 */
public final class PredictRequestParser {

  /** Body fields that belong to the platform; everything else is the model's input. */
  static final String WEBHOOK_FIELD = "webhook_endpoint";

  private final Duration maxRunTime;

  public PredictRequestParser(Duration maxRunTime) {
    this.maxRunTime = maxRunTime;
  }

  /** A parsed body: the model's input and where to deliver the result (null: no webhook). */
  public record Parsed(JsonObject input, String webhookEndpoint) {}

  /** Either a parsed request or the error to answer. */
  public record Outcome(Parsed parsed, ApiError error) {
    static Outcome ok(Parsed parsed) {
      return new Outcome(parsed, null);
    }

    static Outcome fail(ApiError error) {
      return new Outcome(null, error);
    }
  }

  public Outcome parse(String app, Buffer body) {
    if (body == null || body.length() == 0) {
      return Outcome.fail(ApiError.of(400, "invalid_json", "The request body is empty; send a JSON object."));
    }
    Object decoded;
    try {
      decoded = Json.decodeValue(body);
    } catch (DecodeException e) {
      return Outcome.fail(ApiError.of(400, "invalid_json", "The request body is not valid JSON."));
    }
    if (!(decoded instanceof JsonObject json)) {
      return Outcome.fail(ApiError.of(400, "invalid_body", "The request body must be a JSON object."));
    }
    JsonObject input = json.copy();
    Object webhook = input.remove(WEBHOOK_FIELD);
    String endpoint = null;
    if (webhook != null) {
      if (!(webhook instanceof String text) || !isAbsoluteHttpUrl(text)) {
        return Outcome.fail(ApiError.field(WEBHOOK_FIELD,
            "webhook_endpoint must be an absolute http or https URL."));
      }
      endpoint = text;
    }
    var problem = AppCatalog.validate(app, input, maxRunTime);
    if (problem.isPresent()) {
      return Outcome.fail(ApiError.field(problem.get().field(), problem.get().message()));
    }
    return Outcome.ok(new Parsed(input, endpoint));
  }

  static boolean isAbsoluteHttpUrl(String text) {
    if (text.length() > 2048) {
      return false;
    }
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https"))
          && uri.getHost() != null && !uri.getHost().isEmpty()
          && uri.getRawUserInfo() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
