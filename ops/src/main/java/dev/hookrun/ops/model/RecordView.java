package dev.hookrun.ops.model;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** One Kafka record as an operator reads it; the value is JSON when it parses as JSON. */
public record RecordView(
    String topic,
    String shortName,
    int partition,
    long offset,
    Instant timestamp,
    String key,
    Map<String, String> headers,
    String value) {

  public static RecordView of(ConsumerRecord<String, String> record, String shortName) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (Header header : record.headers()) {
      headers.put(
          header.key(),
          header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
    }
    return new RecordView(
        record.topic(),
        shortName,
        record.partition(),
        record.offset(),
        Instant.ofEpochMilli(record.timestamp()),
        record.key(),
        headers,
        record.value());
  }

  /** The value as JSON (object, array, ...), or null when it is absent or not JSON. */
  public Object jsonValue() {
    if (value == null) {
      return null;
    }
    try {
      return Json.decodeValue(value);
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  /** The value as a JSON object, or an empty one. */
  public JsonObject valueObject() {
    return jsonValue() instanceof JsonObject json ? json : new JsonObject();
  }

  public JsonObject toJson() {
    JsonObject headerJson = new JsonObject();
    headers.forEach(headerJson::put);
    Object json = jsonValue();
    return new JsonObject()
        .put("topic", topic)
        .put("partition", partition)
        .put("offset", offset)
        .put("timestamp", timestamp.toString())
        .put("key", key)
        .put("headers", headerJson)
        .put("value", json != null || value == null ? json : value);
  }
}
