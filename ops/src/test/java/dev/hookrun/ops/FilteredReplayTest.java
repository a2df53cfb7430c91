package dev.hookrun.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.delivery.EndpointState;
import dev.hookrun.common.run.RunRequest;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunStatus;
import dev.hookrun.ops.model.DeadLetterView;
import dev.hookrun.ops.model.ReplayFilter;
import dev.hookrun.ops.model.ReplayResult;
import dev.hookrun.testkit.TopicReader;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The filtered replay ({@code POST /ops/dead-letters/replay}) puts back only the dead letters that
 * match, and answers their count; the endpoints listing and enable read and write the endpoints
 * topic.
 */
class FilteredReplayTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private static String deadLetter(String runId, String project, String endpoint) {
    RunRequest request =
        new RunRequest(
            runId, project, "webhook-delay-example", new JsonObject(), endpoint, T0, null);
    RunResult result =
        RunResult.of(request, RunStatus.SUCCEEDED, new JsonObject(), null, T0, T0, "w1");
    return new JsonObject()
        .put("result", result.toJson())
        .put("retry", 1)
        .put("attempts", 1)
        .put("due_at", T0.toString())
        .encode();
  }

  private static String send(
      TestTopics t, String project, String endpoint, String reason, Instant at) throws Exception {
    String runId = UUID.randomUUID().toString();
    t.send(
        "webhook-dlq",
        null,
        at.toEpochMilli(),
        runId,
        deadLetter(runId, project, endpoint),
        Map.of("dead-letter-reason", reason));
    return runId;
  }

  @Test
  void replaysOnlyTheDeadLettersMatchingEveryFilter() throws Exception {
    try (TestTopics t =
        new TestTopics("filtered")
            .create(Map.of("results", 2, "webhook-dlq", 2, "webhook-retry-1", 2))) {
      OpsService ops = OpsService.create(t.kafka);
      String hook = "http://127.0.0.1:9/hook";
      String match = send(t, "p1", hook + "?run=1", "endpoint_disabled", T0.plusSeconds(60));
      String match2 =
          send(t, "p1", "HTTP://127.0.0.1:9/hook?x", "endpoint_disabled", T0.plusSeconds(90));
      String tooEarly = send(t, "p1", hook, "endpoint_disabled", T0.minusSeconds(60));
      String tooLate = send(t, "p1", hook, "endpoint_disabled", T0.plusSeconds(3_600));
      String otherProject = send(t, "p2", hook, "endpoint_disabled", T0.plusSeconds(60));
      String otherEndpoint =
          send(t, "p1", "http://127.0.0.1:9/other", "endpoint_disabled", T0.plusSeconds(60));
      String otherReason = send(t, "p1", hook, "exhausted", T0.plusSeconds(60));

      ReplayResult replayed =
          ops.deadLetters()
              .replayMatching(
                  new ReplayFilter(T0, T0.plusSeconds(600), "p1", hook, "endpoint_disabled"));

      assertEquals(2, replayed.toJson().getInteger("replayed"));
      assertEquals(
          List.of(match, match2).stream().sorted().toList(),
          replayed.replayed().stream().map(ReplayResult.Replayed::runId).sorted().toList());
      for (String runId : List.of(match, match2)) {
        assertEquals(
            1,
            TopicReader.valuesFor(t.kafka.bootstrapServers(), t.topic("webhook-retry-1"), runId)
                .size());
      }
      assertEquals(
          List.of(tooEarly, otherProject, otherEndpoint, otherReason, tooLate).stream()
              .sorted()
              .toList(),
          ops.deadLetters().list().stream().map(DeadLetterView::runId).sorted().toList(),
          "what did not match stays dead-lettered");
      assertEquals(
          0,
          TopicReader.valuesFor(t.kafka.bootstrapServers(), t.topic("webhook-retry-1"), otherReason)
              .size());
    }
  }

  @Test
  void listsEndpointsAndEnablesOnlyADisabledOne() throws Exception {
    try (TestTopics t = new TestTopics("endpoints").create(Map.of("endpoints", 1))) {
      OpsService ops = OpsService.create(t.kafka);
      String down = "http://127.0.0.1:9/down";
      String up = "http://127.0.0.1:9/up";
      EndpointState failing =
          EndpointState.fresh(down, "p1")
              .attempted("p1", false, T0)
              .attempted("p1", false, T0.plusSeconds(10))
              .disable(T0.plusSeconds(10))
              .writtenBy("dispatcher-1-test", T0.plusSeconds(10));
      EndpointState healthy =
          EndpointState.fresh(up, "p2")
              .attempted("p2", true, T0)
              .writtenBy("dispatcher-1-test", T0);
      t.send("endpoints", down, failing.toJson().encode());
      t.send("endpoints", up, healthy.toJson().encode());

      assertEquals(2, ops.endpoints().list(null, null).size());
      assertEquals(
          List.of(down),
          ops.endpoints().list(null, true).stream().map(EndpointState::endpoint).toList());
      assertEquals(
          List.of(up),
          ops.endpoints().list("p2", null).stream().map(EndpointState::endpoint).toList());

      EndpointState enabled = ops.endpoints().enable(down + "?ignored=query");
      assertTrue(!enabled.disabled());
      assertEquals(0, enabled.consecutiveFailures());
      assertTrue(ops.endpoints().list(null, true).isEmpty(), "enabled: no longer listed disabled");

      for (String endpoint : List.of(up, down, "http://127.0.0.1:9/never")) {
        OpsException notDisabled =
            assertThrows(OpsException.class, () -> ops.endpoints().enable(endpoint));
        assertEquals(OpsException.Kind.NOT_FOUND, notDisabled.kind());
      }
    }
  }
}
