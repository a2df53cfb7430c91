package dev.hookrun.local;

import static dev.hookrun.local.TestStack.PROJECT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.kafka.PlatformTopics;
import dev.hookrun.testkit.TestHttp;
import dev.hookrun.testkit.TopicReader;
import dev.hookrun.testkit.WebhookReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a run shows is folded from facts each written once (request, outcome, delivery), so neither
 * compaction nor a restart nor a reused Idempotency-Key can leave a stale state.
 */
class RunStateFromFactsTest {

  private static final String APP = "/v3/" + PROJECT + "/webhook-delay-example";
  private TestStack stack;
  private Vertx receiverProcess;

  @AfterEach
  void tearDown() {
    if (stack != null) {
      stack.close();
    }
    if (receiverProcess != null) {
      receiverProcess.close().await();
    }
  }

  private static String statusOf(TestHttp http, String runId) {
    var response = http.get(APP + "/runs/" + runId);
    return response.status() == 200
        ? response.json().getString("status")
        : "http-" + response.status();
  }

  @Test
  void everyFinishedRunKeepsItsFinalStateAfterCompactionAndAGatewayRestart() {
    stack = new TestStack();
    // a state topic the broker compacts within seconds, as it would after an hour in production
    stack.createTopics(
        List.of(
            PlatformTopics.deliveries(stack.kafka, stack.kafka.runRetention())
                .withConfig("segment.ms", "100")
                .withConfig("min.cleanable.dirty.ratio", "0.01")
                .withConfig("min.compaction.lag.ms", "0")
                .withConfig("delete.retention.ms", "0")));
    receiverProcess = Vertx.vertx();
    WebhookReceiver receiver = new WebhookReceiver(receiverProcess);
    AtomicInteger calls = new AtomicInteger();
    receiver.answerWith(
        () -> calls.getAndIncrement() < 15 ? 500 : 200); // the first runs need a retry
    var first = stack.gateway();
    stack.worker("w1");
    stack.dispatcher(stack.dispatcherConfig().withRetrySchedule("1s,1s,1s,1s"));

    List<String> polled = new ArrayList<>();
    List<String> hooked = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      var async = first.http().post(APP + "/predict?async=true", "{\"delayMins\": 0}");
      assertEquals(202, async.status(), () -> "answered " + async.json());
      polled.add(async.json().getString("run_id"));
      var hook =
          first
              .http()
              .post(
                  APP + "/predict",
                  "{\"delayMins\": 0, \"webhook_endpoint\": \"" + receiver.url() + "\"}");
      assertEquals(202, hook.status(), () -> "answered " + hook.json());
      hooked.add(hook.json().getString("run_id"));
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                polled.stream().allMatch(r -> statusOf(first.http(), r).equals("succeeded"))
                    && hooked.stream()
                        .allMatch(
                            r ->
                                "delivered"
                                    .equals(
                                        first
                                            .http()
                                            .get(APP + "/runs/" + r)
                                            .json()
                                            .getJsonObject("webhook")
                                            .getString("status"))));

    String stateTopic = stack.kafka.topics().deliveries();
    int written = TopicReader.readAll(stack.kafka.bootstrapServers(), stateTopic).size();
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of("bootstrap.servers", stack.kafka.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      // compaction only cleans rolled segments, and a segment rolls on an append: keep appending to
      // every partition until every key has one record left
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                for (int partition = 0; partition < stack.kafka.partitions(); partition++) {
                  producer.send(new ProducerRecord<>(stateTopic, partition, "roll", null)).get();
                }
                Map<String, Integer> perKey = new HashMap<>();
                TopicReader.readAll(stack.kafka.bootstrapServers(), stateTopic)
                    .forEach(r -> perKey.merge(r.key(), 1, Integer::sum));
                perKey.remove("roll");
                return perKey.values().stream().allMatch(n -> n == 1);
              });
    }
    long kept =
        TopicReader.readAll(stack.kafka.bootstrapServers(), stateTopic).stream()
            .filter(r -> !"roll".equals(r.key()))
            .count();
    assertTrue(
        kept < written, "compaction ran: " + written + " records before, " + kept + " after");

    first.process().close().await();
    var restarted = stack.gateway(Map.of("MAX_QUEUED_PER_PROJECT", "1"));
    for (String runId : polled) {
      JsonObject run = restarted.http().get(APP + "/runs/" + runId).json();
      assertEquals(
          "succeeded", run.getString("status"), () -> "after compaction and a restart: " + run);
      assertNotNull(run.getJsonObject("result"), () -> "the result is still there: " + run);
    }
    for (String runId : hooked) {
      JsonObject run = restarted.http().get(APP + "/runs/" + runId).json();
      assertEquals(
          "succeeded", run.getString("status"), () -> "after compaction and a restart: " + run);
      assertEquals(
          "delivered", run.getJsonObject("webhook").getString("status"), () -> run.encode());
    }
    // no stale "queued" run counts against the project's quota of one unfinished run
    var next = restarted.http().post(APP + "/predict?async=true", "{\"delayMins\": 0}");
    assertEquals(202, next.status(), () -> "answered " + next.json());
  }

  @Test
  void aBurstFromOneProjectNeitherHidesAnotherProjectsRunsNorLowersItsOwnUnfinishedCount() {
    stack = new TestStack();
    var gateway =
        stack.gateway(Map.of("RUN_VIEW_MAX_ENTRIES", "100", "MAX_QUEUED_PER_PROJECT", "30"));
    stack.worker("w1");
    var other = new TestHttp(gateway.verticle().actualPort(), TestStack.OTHER_KEY);
    String otherApp = "/v3/" + TestStack.OTHER_PROJECT + "/webhook-delay-example";
    List<String> othersRuns = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      othersRuns.add(
          other.post(otherApp + "/predict", "{\"delayMins\": 0}").json().getString("run_id"));
    }
    List<String> unfinished = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      unfinished.add(
          gateway
              .http()
              .post(APP + "/predict?async=true", "{\"delayMins\": 10}")
              .json()
              .getString("run_id"));
    }
    assertEquals(
        429,
        gateway.http().post(APP + "/predict?async=true", "{\"delayMins\": 0}").status(),
        "the project is at its quota of unfinished runs");
    // a burst of 150 finished runs of the same project through another gateway: this gateway's
    // view (bounded at 100) learns of them from Kafka
    var second = stack.gateway();
    String last = null;
    for (int i = 0; i < 150; i++) {
      var answer = second.http().post(APP + "/predict", "{\"delayMins\": 0}");
      assertEquals(200, answer.status(), () -> answer.json().encode());
      last = answer.json().getString("run_id");
    }
    String newest = last;
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> gateway.http().get(APP + "/runs/" + newest).status() == 200);
    for (String runId : othersRuns) {
      assertEquals(
          200,
          other.get(otherApp + "/runs/" + runId).status(),
          "another project's run is still readable");
    }
    for (String runId : unfinished) {
      assertEquals(
          200,
          gateway.http().get(APP + "/runs/" + runId).status(),
          "an unfinished run is never evicted");
    }
    assertEquals(
        429,
        gateway.http().post(APP + "/predict?async=true", "{\"delayMins\": 0}").status(),
        "the burst did not lower the project's unfinished count");
  }

  @Test
  void anIdempotencyKeyReusedAfterItsRunLeftTheRetentionRunsAgain() {
    stack = new TestStack(Duration.ofSeconds(5));
    var gateway = stack.gateway();
    stack.worker("w1");
    Map<String, String> headers =
        Map.of(
            "Idempotency-Key",
            "order-42",
            "Content-Type",
            "application/json",
            "Authorization",
            TestStack.KEY);
    var first =
        gateway.http().send("POST", APP + "/predict?async=true", headers, "{\"delayMins\": 0}");
    assertEquals(202, first.status());
    String runId = first.json().getString("run_id");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> statusOf(gateway.http(), runId).equals("succeeded"));
    Instant firstCreated =
        Instant.parse(gateway.http().get(APP + "/runs/" + runId).json().getString("created_at"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> statusOf(gateway.http(), runId).equals("http-404"));

    var again =
        gateway.http().send("POST", APP + "/predict?async=true", headers, "{\"delayMins\": 0}");
    assertEquals(202, again.status(), () -> "answered " + again.json());
    assertEquals(runId, again.json().getString("run_id"), "the key still names the same run id");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> statusOf(gateway.http(), runId).equals("succeeded"));
    Instant secondCreated =
        Instant.parse(gateway.http().get(APP + "/runs/" + runId).json().getString("created_at"));
    assertNotEquals(firstCreated, secondCreated, "it is a new run, not the old one shown again");
  }
}
