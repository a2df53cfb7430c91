package dev.hookrun.dispatcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.PlatformTopics;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.metrics.ServiceMetrics;
import dev.hookrun.common.run.WebhookState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A webhook's state reaches the deliveries topic even when the broker refuses it for a while (here
 * the topic's size limit, set too small by an operator and then fixed): the dispatcher sends it
 * again until Kafka takes it, and meanwhile the result it delivered stays uncommitted.
 */
class DeliveryStatePublishingTest {

  private final DispatcherHarness h = new DispatcherHarness("state-publishing");
  private final ScriptedReceiver receiver = new ScriptedReceiver(h.vertx);

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void aStateTheBrokerRefusesIsSentAgainUntilItIsTakenAndOnlyThenIsItsRecordCommitted()
      throws Exception {
    String runState = h.kafka.topics().deliveries();
    // smaller than any state: every send of one is refused (RecordTooLargeException)
    TopicInitializer.ensureBlocking(
        h.kafka,
        List.of(
            PlatformTopics.deliveries(h.kafka, h.kafka.runRetention())
                .withConfig(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "64")));
    DispatcherVerticle dispatcher = h.deploy(h.config("1s"));
    String runId = "run-" + UUID.randomUUID();
    h.publishAll(List.of(DispatcherHarness.result(runId, "p-1", receiver.url())), 0);

    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requestsFor(runId).size() == 1);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> dispatcher.metrics().stateSendFailures() >= 3);
    // the webhook went out, but its state did not: the result must stay to be read again
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> h.committedOffset(0) < 1);
    assertTrue(h.dispatcherState(runId).isEmpty(), "no state was written yet");

    alterMaxMessageBytes(runState, "1048588");

    WebhookState state = h.awaitWebhook(runId, WebhookState.DELIVERED, Duration.ofSeconds(30));
    assertEquals(1, state.attempts());
    assertEquals(200, state.lastStatusCode());
    await().atMost(Duration.ofSeconds(30)).until(() -> h.committedOffset(0) == 1);
    assertEquals(1, receiver.requestsFor(runId).size(), "the webhook itself went out once");
    var exported = ServiceMetrics.registry().find("hookrun.webhook.state.send.failures").counter();
    assertTrue(
        exported != null && exported.count() >= dispatcher.metrics().stateSendFailures(),
        "Prometheus sees the failed sends (hookrun_webhook_state_send_failures_total)");
  }

  private void alterMaxMessageBytes(String topic, String bytes) throws Exception {
    try (Admin admin =
        Admin.create(
            KafkaClientProperties.asObjects(KafkaClientProperties.admin(h.kafka, "test-admin")))) {
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.TOPIC, topic),
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, bytes),
                          AlterConfigOp.OpType.SET))))
          .all()
          .get(20, TimeUnit.SECONDS);
    }
  }
}
