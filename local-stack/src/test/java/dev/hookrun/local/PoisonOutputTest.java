package dev.hookrun.local;

import static dev.hookrun.local.TestStack.PROJECT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hookrun.common.kafka.PlatformTopics;
import dev.hookrun.testkit.WebhookReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An output Kafka will never take ends the run with a reason instead of stalling its partition. */
class PoisonOutputTest {

  private static final String ECHO = "/v3/" + PROJECT + "/echo-example";
  private TestStack stack;
  private Vertx receiverProcess;

  @AfterEach
  void tearDown() {
    stack.close();
    receiverProcess.close().await();
  }

  @Test
  void anOutputTooLargeForTheResultsTopicEndsTheRunFailedAndTheWorkerMovesOn() throws Exception {
    stack = new TestStack();
    stack.createTopics(
        List.of(PlatformTopics.results(stack.kafka).withConfig("max.message.bytes", "4000")));
    receiverProcess = Vertx.vertx();
    WebhookReceiver receiver = new WebhookReceiver(receiverProcess);
    var gateway = stack.gateway();
    stack.worker("w1");
    stack.dispatcher();

    var big =
        gateway
            .http()
            .post(
                ECHO + "/predict",
                "{\"payloadBytes\": 10000, \"webhook_endpoint\": \"" + receiver.url() + "\"}");
    assertEquals(202, big.status(), () -> "answered " + big.json());
    String bigRun = big.json().getString("run_id");
    await().atMost(Duration.ofSeconds(30)).until(() -> !receiver.deliveriesFor(bigRun).isEmpty());
    JsonObject hook = receiver.deliveriesFor(bigRun).get(0).body();
    assertEquals("failed", hook.getString("status"));
    assertEquals("result_too_large", hook.getJsonObject("error").getString("code"));
    assertNull(hook.getValue("result"));
    assertEquals("failed", gateway.http().get(ECHO + "/runs/" + bigRun).json().getString("status"));

    var small =
        gateway
            .http()
            .post(
                ECHO + "/predict",
                "{\"payloadBytes\": 10, \"webhook_endpoint\": \"" + receiver.url() + "\"}");
    String smallRun = small.json().getString("run_id");
    await().atMost(Duration.ofSeconds(30)).until(() -> !receiver.deliveriesFor(smallRun).isEmpty());
    assertEquals("succeeded", receiver.deliveriesFor(smallRun).get(0).body().getString("status"));
    await().atMost(Duration.ofSeconds(30)).until(() -> workerLag() == 0);
  }

  /**
   * Requests the scheduler has not committed past: 0 once every request's run ended, the poisoned
   * one included, so nothing is left blocking its partition.
   */
  private long workerLag() throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafka.bootstrapServers()))) {
      String topic = stack.kafka.topics().requests();
      var partitions =
          IntStream.range(0, stack.kafka.requestsPartitions())
              .mapToObj(i -> new TopicPartition(topic, i))
              .toList();
      var ends =
          admin
              .listOffsets(
                  partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
              .all()
              .get();
      var committed =
          admin
              .listConsumerGroupOffsets(stack.schedulerGroup)
              .partitionsToOffsetAndMetadata()
              .get();
      long lag = 0;
      for (TopicPartition partition : partitions) {
        var at = committed.get(partition);
        lag += ends.get(partition).offset() - (at == null ? 0 : at.offset());
      }
      return lag;
    }
  }
}
