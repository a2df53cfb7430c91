package dev.hookrun.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.kafka.KeyPartitioner;
import dev.hookrun.ops.model.PeekQuery;
import dev.hookrun.ops.model.PeekResult;
import dev.hookrun.ops.model.Trace;
import dev.hookrun.ops.model.TraceEntry;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code ops trace} and {@code ops peek} on a run whose records span every kind of topic. */
class RunTraceTest {

  private static final Map<String, Integer> LAYOUT =
      Map.of(
          "requests", 12, "deliveries", 12, "results", 12, "webhook-retry-1", 3, "webhook-dlq", 3);
  private static TestTopics t;
  private static String run;
  private static String neighbour;
  private static final List<String> EXPECTED =
      new ArrayList<>(); // "topic/partition@offset" in time order

  @BeforeAll
  static void writeTwoRuns() throws Exception {
    t = new TestTopics("trace").create(LAYOUT);
    run = UUID.randomUUID().toString();
    // a second run in the same requests partition, so the trace must filter by key, not partition
    do {
      neighbour = UUID.randomUUID().toString();
    } while (KeyPartitioner.partitionFor(neighbour, 12) != KeyPartitioner.partitionFor(run, 12));
    Instant t0 = Instant.now().minusSeconds(60);
    String created = t0.toString();
    String result =
        new JsonObject()
            .put("run_id", run)
            .put("status", "succeeded")
            .put("worker_id", "w-7")
            .put("run_time_ms", 5)
            .put("webhook_endpoint", "http://127.0.0.1:1/hook")
            .put(
                "stored_result",
                new JsonObject()
                    .put("key", run + "-0123456789abcdef.json")
                    .put("bytes", 3_000_014)
                    .put("sha256", "0123456789abcdef".repeat(4)))
            .encode();
    Object[][] steps = {
      {
        "requests",
        new JsonObject()
            .put("run_id", run)
            .put("app", "webhook-delay-example")
            .put("webhook_endpoint", "http://127.0.0.1:1/hook")
            .put("created_at", created)
            .encode(),
        Map.of()
      },
      {"deliveries", state("queued", "gateway", null, created), Map.of()},
      {"deliveries", state("running", "worker", "w-7", created), Map.of()},
      {"results", result, Map.of()},
      {"deliveries", state("succeeded", "worker", "w-7", created), Map.of()},
      {
        "webhook-retry-1",
        new JsonObject().put("run_id", run).put("attempt", 1).put("last_status_code", 500).encode(),
        Map.of()
      },
      {"webhook-dlq", result, Map.of("dead-letter-reason", "HTTP 500 after 8 attempts")},
    };
    for (int i = 0; i < steps.length; i++) {
      long ts = t0.plusMillis(1_000L * i).toEpochMilli();
      var sent =
          t.send(
              (String) steps[i][0], null, ts, run, (String) steps[i][1], castHeaders(steps[i][2]));
      EXPECTED.add(steps[i][0] + "/" + sent.partition() + "@" + sent.offset());
      // the neighbour writes to the same partitions in between
      t.send(
          (String) steps[i][0],
          null,
          ts,
          neighbour,
          "{\"run_id\":\"" + neighbour + "\"}",
          Map.of());
    }
    t.send("requests", null, null, null, "{\"unkeyed\":true}", Map.of());
  }

  @AfterAll
  static void close() {
    t.close();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> castHeaders(Object headers) {
    return (Map<String, String>) headers;
  }

  private static String state(String status, String source, String worker, String created) {
    return new JsonObject()
        .put("run_id", run)
        .put("project", "p")
        .put("app", "webhook-delay-example")
        .put("status", status)
        .put("source", source)
        .put("worker_id", worker)
        .put("created_at", created)
        .put("webhook", new JsonObject().put("status", "pending").put("attempts", 0))
        .encode();
  }

  @Test
  void traceFindsEveryRecordOfTheRunAndNoOther() {
    Trace trace = OpsService.create(t.kafka).trace(run);

    List<String> found =
        trace.entries().stream()
            .map(
                e ->
                    e.record().shortName()
                        + "/"
                        + e.record().partition()
                        + "@"
                        + e.record().offset())
            .toList();
    assertEquals(EXPECTED, found, () -> trace.toJson().encodePrettily());
    assertTrue(trace.entries().stream().allMatch(e -> run.equals(e.record().key())));
    // one partition per topic, the key's
    assertEquals(LAYOUT.size(), trace.partitionsRead().size());
    assertTrue(trace.partitionsRead().contains("requests/" + KeyPartitioner.partitionFor(run, 12)));

    // no group reads these topics in this test
    assertTrue(trace.progress().isEmpty());

    TraceEntry result = trace.entries().get(3);
    assertEquals("worker", result.stage());
    assertEquals("w-7", result.worker());
    assertTrue(result.event().startsWith("succeeded on w-7"), result.event());
    assertTrue(
        result
            .event()
            .contains("result stored as " + run + "-0123456789abcdef.json (3000014 bytes)"),
        result.event());
    assertTrue(
        trace.entries().get(5).event().contains("attempt 1"), trace.entries().get(5).event());
    assertTrue(
        trace.entries().get(6).event().contains("HTTP 500 after 8 attempts"),
        trace.entries().get(6).event());
  }

  @Test
  void unknownRunHasAnEmptyTrace() {
    assertTrue(OpsService.create(t.kafka).trace(UUID.randomUUID().toString()).entries().isEmpty());
  }

  @Test
  void peekByKeyReadsOnlyThatRunsRecords() {
    PeekResult byKey =
        OpsService.create(t.kafka).peek(new PeekQuery("deliveries", null, null, null, run, 20));
    assertEquals(3, byKey.records().size());
    assertTrue(byKey.records().stream().allMatch(r -> run.equals(r.key())));
    assertEquals("queued", ((JsonObject) byKey.records().get(0).jsonValue()).getString("status"));
  }

  @Test
  void peekByPartitionOffsetAndFromEnd() {
    OpsService ops = OpsService.create(t.kafka);
    int p = KeyPartitioner.partitionFor(run, 3);
    // the dlq partition holds the run's dead letter then the neighbour's record
    PeekResult all = ops.peek(new PeekQuery(t.topic("webhook-dlq"), p, 0L, null, null, 20));
    assertEquals(2, all.records().size());
    assertEquals(
        "HTTP 500 after 8 attempts", all.records().get(0).headers().get("dead-letter-reason"));
    PeekResult last = ops.peek(new PeekQuery("dlq", p, null, 1, null, 20));
    assertEquals(List.of(neighbour), last.records().stream().map(r -> r.key()).toList());
    PeekResult fromOffset = ops.peek(new PeekQuery("webhook-dlq", p, 1L, null, null, 20));
    assertEquals(1, fromOffset.records().get(0).offset());
    PeekResult countCapped = ops.peek(new PeekQuery("requests", null, null, null, null, 2));
    assertEquals(2, countCapped.records().size());
  }

  @Test
  void unknownTopicIsNotFound() {
    OpsException e =
        assertThrows(
            OpsException.class,
            () ->
                OpsService.create(t.kafka).peek(new PeekQuery("nope", null, null, null, null, 5)));
    assertEquals(OpsException.Kind.NOT_FOUND, e.kind());
    assertTrue(e.getMessage().contains("requests"), e.getMessage());
  }
}
