package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Each way a send can fail gets the answer that is true for it (the outage test covers the live
 * cases).
 */
class PublishFailureAnswerTest {

  private static JsonObject answer(SendFailure failure) {
    return PublishFailureAnswer.body(failure, "run-1", "key-1", 1024);
  }

  private static String code(JsonObject body) {
    return body.getJsonObject("error").getString("code");
  }

  @Test
  void tooLargeIs413WhetherTheClientOrTheBrokerRefusedIt() {
    for (SendFailure failure :
        new SendFailure[] {
          SendFailure.notSent(new RecordTooLargeException("client")),
          SendFailure.afterHandOff(new RecordTooLargeException("broker"))
        }) {
      assertEquals(413, PublishFailureAnswer.error(failure, 1024).status());
      assertEquals("body_too_large", code(answer(failure)));
    }
  }

  @Test
  void aRecordTheBrokerRejectsForGoodIs500NeverRetryShortly() {
    SendFailure rejected = SendFailure.afterHandOff(new InvalidRecordException("bad"));
    assertEquals(500, PublishFailureAnswer.error(rejected, 1024).status());
    assertEquals("internal_error", code(answer(rejected)));
  }

  @Test
  void anUnsentRecordIsKafkaUnavailableWithNothingToReuse() {
    SendFailure unsent = SendFailure.notSent(new TimeoutException("no metadata"));
    assertEquals(503, PublishFailureAnswer.error(unsent, 1024).status());
    JsonObject body = answer(unsent);
    assertEquals("kafka_unavailable", code(body));
    assertNull(body.getString("run_id"));
  }

  @Test
  void aTimeoutAfterTheHandOffIsOutcomeUnknownWithTheKeyToRetryWith() {
    for (Throwable cause :
        new Throwable[] {new TimeoutException("expired"), new NotEnoughReplicasException("isr")}) {
      SendFailure unknown = SendFailure.afterHandOff(cause);
      assertEquals(503, PublishFailureAnswer.error(unknown, 1024).status());
      JsonObject body = answer(unknown);
      assertEquals("outcome_unknown", code(body));
      assertEquals("run-1", body.getString("run_id"));
      assertEquals("key-1", body.getString("idempotency_key"));
      assertFalse(
          body.getJsonObject("error").getString("message").contains("nothing was accepted"));
    }
  }
}
