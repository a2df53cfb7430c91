package dev.hookrun.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.ops.model.DeadLetter;
import dev.hookrun.ops.model.ReplayResult;
import dev.hookrun.testkit.TopicReader;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * {@code ops dlq}: the Kafka-backed store lists what is on the dead-letter topic and replays a
 * run by putting its dead-lettered result back on the results topic. (Delivery of a replayed
 * run by a real dispatcher is covered end to end in local-stack's OpsEndToEndTest.)
 */
class DeadLetterReplayTest {

  private static String result(String runId) {
    return new JsonObject().put("run_id", runId).put("project", "p").put("app", "webhook-delay-example")
        .put("status", "succeeded").put("webhook_endpoint", "http://127.0.0.1:9/hook").encode();
  }

  @Test
  void listsAndReplaysDeadLetters() throws Exception {
    try (TestTopics t = new TestTopics("dlq").create(Map.of("results", 4, "webhook-dlq", 3))) {
      OpsService ops = OpsService.create(t.kafka);
      assertTrue(ops.deadLetters().list().isEmpty());
      String a = UUID.randomUUID().toString();
      String b = UUID.randomUUID().toString();
      t.send("webhook-dlq", null, null, a, result(a), Map.of("dead-letter-reason", "HTTP 503", "attempts", "8"));
      t.send("webhook-dlq", null, null, b, result(b), Map.of("dead-letter-reason", "connection refused"));

      List<DeadLetter> letters = ops.deadLetters().list();
      assertEquals(2, letters.size());
      DeadLetter first = letters.stream().filter(d -> d.runId().equals(a)).findFirst().orElseThrow();
      assertEquals("HTTP 503", first.reason());
      assertEquals(8, first.attempts());
      assertEquals("http://127.0.0.1:9/hook", first.endpoint());

      ReplayResult one = ops.deadLetters().replay(a);
      assertEquals(1, one.replayed().size());
      List<ConsumerRecord<String, String>> results = TopicReader.readAll(t.kafka.bootstrapServers(), t.topic("results"));
      assertEquals(1, results.size());
      ConsumerRecord<String, String> back = results.get(0);
      assertEquals(a, back.key());
      assertEquals(result(a), back.value()); // the value goes back unchanged: the dispatcher reads it as before
      assertEquals(KeyPartitioner.partitionFor(a, 4), back.partition());
      String origin = new String(back.headers().lastHeader("hookrun-replay-of").value(), StandardCharsets.UTF_8);
      assertEquals(one.replayed().get(0).from(), origin);
      assertTrue(origin.startsWith("webhook-dlq/"), origin);

      OpsException missing = assertThrows(OpsException.class, () -> ops.deadLetters().replay("no-such-run"));
      assertEquals(OpsException.Kind.NOT_FOUND, missing.kind());

      ReplayResult all = ops.deadLetters().replayAll();
      assertEquals(2, all.replayed().size());
      assertEquals(3, TopicReader.readAll(t.kafka.bootstrapServers(), t.topic("results")).size());
    }
  }
}
