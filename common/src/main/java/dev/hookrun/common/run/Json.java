package dev.hookrun.common.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** Small helpers for the wire format: timestamps are ISO-8601 UTC strings, absent is null. */
final class Json {

  private Json() {}

  static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  static Instant time(JsonObject json, String field) {
    String value = json.getString(field);
    return value == null ? null : Instant.parse(value);
  }

  static String required(JsonObject json, String field) {
    String value = json.getString(field);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("missing " + field);
    }
    return value;
  }
}
