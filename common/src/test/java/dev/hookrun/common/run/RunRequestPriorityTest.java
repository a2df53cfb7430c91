package dev.hookrun.common.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** A request's priority travels in its record, survives a retry and reads as normal when absent. */
class RunRequestPriorityTest {

  private final Instant t0 = Instant.parse("2026-12-01T10:00:00Z");

  private RunRequest request(Priority priority) {
    return new RunRequest(
        "r1",
        "p",
        "app",
        new JsonObject().put("x", 1),
        "https://h/x",
        t0,
        t0.plusSeconds(60),
        List.of("completed"),
        Duration.ofSeconds(5),
        null,
        priority);
  }

  @Test
  void roundTripsThroughTheRecordAsItsWireName() {
    RunRequest high = request(Priority.HIGH);
    JsonObject json = new JsonObject(high.toJson().encode());
    assertEquals("high", json.getString("priority"));
    assertEquals(high, RunRequest.fromJson(json));
  }

  @Test
  void aRecordWithoutPriorityFromAnOlderVersionIsNormal() {
    JsonObject old = request(Priority.LOW).toJson();
    old.remove("priority");
    assertEquals(Priority.NORMAL, RunRequest.fromJson(old).priority());
  }

  @Test
  void aPriorityThisVersionDoesNotKnowRunsAsNormal() {
    JsonObject newer = request(Priority.LOW).toJson().put("priority", "urgent");
    assertEquals(Priority.NORMAL, RunRequest.fromJson(newer).priority());
  }

  @Test
  void theShortConstructorsMeanNormal() {
    assertEquals(
        Priority.NORMAL,
        new RunRequest("r1", "p", "app", new JsonObject(), null, t0, null).priority());
    assertEquals(
        Priority.NORMAL,
        new RunRequest("r1", "p", "app", new JsonObject(), null, t0, null, null, null, null)
            .priority());
    assertEquals(Priority.NORMAL, request(null).priority());
  }

  @Test
  void aRetryKeepsThePriority() {
    RunRequest retry = request(Priority.LOW).retriedAs("r2", t0.plusSeconds(600));
    assertEquals(Priority.LOW, retry.priority());
    assertEquals("r1", retry.retryOf());
  }

  @Test
  void theHeaderReadsAsNormalWhenAbsentOrUnknown() {
    RecordHeaders headers = new RecordHeaders();
    assertEquals(Priority.NORMAL, RunHeaders.priority(headers));
    headers.add(RunHeaders.PRIORITY, RunHeaders.bytes("high"));
    assertEquals(Priority.HIGH, RunHeaders.priority(headers));
    headers.add(RunHeaders.PRIORITY, RunHeaders.bytes("urgent"));
    assertEquals(Priority.NORMAL, RunHeaders.priority(headers));
  }
}
