package dev.hookrun.common.delivery;

import dev.hookrun.common.run.RunHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One webhook delivery that failed for good, as read back from the dead-letter topic: the {@link
 * DeliveryRecord} the dispatcher wrote and what its {@link DeadLetterHeaders} say.
 *
 * @param reason why delivery gave up ({@link DeadLetterHeaders#REASON}; older records: the value's
 *     error)
 * @param attempts attempts made, when the record says
 * @param deadAt when it was dead-lettered (the record's timestamp)
 * @param delivery the delivery to replay; null when the value is not a delivery record (listed, not
 *     replayable)
 * @param record the record itself, for operators who want to see it whole
 */
public record DeadLetter(
    String runId,
    String reason,
    Integer attempts,
    String endpoint,
    Instant deadAt,
    DeliveryRecord delivery,
    ConsumerRecord<String, String> record) {

  /**
   * Reads a dead-letter record; lenient, because an operator must see even a record we cannot
   * replay.
   */
  public static DeadLetter of(ConsumerRecord<String, String> record) {
    JsonObject value = objectOrEmpty(record.value());
    DeliveryRecord delivery = deliveryOrNull(value);
    String runId = record.key() != null ? record.key() : value.getString("run_id");
    Function<String, String> headers = name -> RunHeaders.text(record.headers(), name);
    String reason =
        firstOf(headers, value, DeadLetterHeaders.REASON, "reason", "last_error", "error");
    // the delivery record holds the run's result, with its endpoint
    String endpoint = value.getJsonObject("result", value).getString("webhook_endpoint");
    return new DeadLetter(
        runId,
        reason,
        attempts(firstOf(headers, value, DeadLetterHeaders.ATTEMPTS, "attempts", "attempt")),
        endpoint,
        Instant.ofEpochMilli(record.timestamp()),
        delivery,
        record);
  }

  public int partition() {
    return record.partition();
  }

  public long offset() {
    return record.offset();
  }

  /**
   * A header's value, else the value's field (a nested object's {@code message}), for the first
   * name present.
   */
  public static String firstOf(
      Function<String, String> headers, JsonObject value, String... names) {
    for (String name : names) {
      String header = headers.apply(name);
      if (header != null) {
        return header;
      }
      Object field = value.getValue(name);
      if (field instanceof JsonObject json && json.containsKey("message")) {
        return json.getString("message");
      }
      if (field != null && !(field instanceof JsonObject)) {
        return String.valueOf(field);
      }
    }
    return null;
  }

  private static Integer attempts(String text) {
    try {
      return text == null ? null : Integer.valueOf(text.trim());
    } catch (NumberFormatException notANumber) {
      return null; // shown in the raw record
    }
  }

  private static JsonObject objectOrEmpty(String value) {
    try {
      return value == null ? new JsonObject() : new JsonObject(value);
    } catch (DecodeException | ClassCastException notAnObject) {
      return new JsonObject();
    }
  }

  private static DeliveryRecord deliveryOrNull(JsonObject value) {
    try {
      return DeliveryRecord.fromJson(value);
    } catch (RuntimeException notADelivery) {
      return null;
    }
  }
}
