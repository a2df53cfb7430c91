package dev.hookrun.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.run.RunRequest;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunStatus;
import dev.hookrun.ops.model.DeadLetterView;
import dev.hookrun.ops.model.ReplayResult;
import dev.hookrun.testkit.TopicReader;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code ops dlq}: lists what is dead-lettered (the dispatcher's records, with their headers) and
 * replays through the dispatcher's mechanism: back on the first retry tier, off the list. (Delivery
 * of a replayed run by a real dispatcher is covered end to end in local-stack.)
 */
class DeadLetterReplayTest {

  /** A dead letter as the dispatcher writes it: the delivery record holding the run's result. */
  private static String deadLetter(String runId) {
    Instant now = Instant.now();
    RunRequest request =
        new RunRequest(
            runId,
            "p",
            "webhook-delay-example",
            new JsonObject(),
            "http://127.0.0.1:9/hook",
            now,
            null);
    RunResult result =
        RunResult.of(request, RunStatus.SUCCEEDED, new JsonObject(), null, now, now, "w1");
    return new JsonObject()
        .put("result", result.toJson())
        .put("retry", 7)
        .put("attempts", 8)
        .put("due_at", now.toString())
        .encode();
  }

  @Test
  void listsAndReplaysDeadLetters() throws Exception {
    try (TestTopics t =
        new TestTopics("dlq")
            .create(Map.of("results", 4, "webhook-dlq", 3, "webhook-retry-1", 3))) {
      OpsService ops = OpsService.create(t.kafka);
      assertTrue(ops.deadLetters().list().isEmpty());
      String a = UUID.randomUUID().toString();
      String b = UUID.randomUUID().toString();
      t.send(
          "webhook-dlq",
          null,
          null,
          a,
          deadLetter(a),
          Map.of("dead-letter-reason", "exhausted", "dead-letter-attempts", "8"));
      t.send("webhook-dlq", null, null, b, deadLetter(b), Map.of("dead-letter-reason", "gone"));

      List<DeadLetterView> letters = ops.deadLetters().list();
      assertEquals(2, letters.size());
      DeadLetterView first =
          letters.stream().filter(d -> d.runId().equals(a)).findFirst().orElseThrow();
      assertEquals("exhausted", first.reason());
      assertEquals(8, first.attempts());
      assertEquals("http://127.0.0.1:9/hook", first.endpoint());

      ReplayResult one = ops.deadLetters().replay(a);
      assertEquals(1, one.replayed().size());
      var tier = TopicReader.valuesFor(t.kafka.bootstrapServers(), t.topic("webhook-retry-1"), a);
      assertEquals(1, tier.size(), "the replay goes back into delivery on the first retry tier");
      assertEquals(a, tier.get(0).getJsonObject("result").getString("run_id"));
      assertEquals(
          List.of(b),
          ops.deadLetters().list().stream().map(DeadLetterView::runId).toList(),
          "a replayed dead letter leaves the list");

      OpsException missing =
          assertThrows(OpsException.class, () -> ops.deadLetters().replay("no-such-run"));
      assertEquals(OpsException.Kind.NOT_FOUND, missing.kind());

      ReplayResult all = ops.deadLetters().replayAll();
      assertEquals(1, all.replayed().size());
      assertTrue(ops.deadLetters().list().isEmpty());
    }
  }
}
