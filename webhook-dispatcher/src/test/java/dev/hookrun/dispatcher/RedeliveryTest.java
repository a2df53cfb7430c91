package dev.hookrun.dispatcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hookrun.common.delivery.DeliveryRecord;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.WebhookState;
import dev.hookrun.dispatcher.ScriptedReceiver.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An operator's redelivery sends a delivered run's webhook once more; an ordinary second delivery
 * of it, or a copy of the redelivery made after it went out, is still not sent.
 */
class RedeliveryTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final DispatcherHarness h = new DispatcherHarness("redelivery");
  private final ScriptedReceiver receiver = new ScriptedReceiver(h.vertx);

  @AfterEach
  void tearDown() {
    h.close();
  }

  private RunResult delivered(DispatcherVerticle dispatcher) {
    RunResult result =
        DispatcherHarness.result("run-redeliver-" + UUID.randomUUID(), "p-1", receiver.url());
    h.publish(result);
    h.awaitWebhook(result.runId(), WebhookState.DELIVERED, WAIT);
    assertEquals(1, receiver.requestsFor(result.runId()).size());
    return result;
  }

  @Test
  void aRedeliveryIsSentOnceMoreButAnOrdinaryDuplicateIsNot() {
    DispatcherVerticle dispatcher = h.deploy(h.config("100ms,200ms"));
    RunResult result = delivered(dispatcher);
    String runId = result.runId();

    // an ordinary retry of a delivered run (a crash left one behind): skipped
    h.publishRetry(DeliveryRecord.first(result, null, Instant.now()));
    await().atMost(WAIT).until(() -> dispatcher.metrics().duplicatesSkipped() == 1);
    assertEquals(1, receiver.requestsFor(runId).size());

    DeliveryRecord redelivery = DeliveryRecord.redelivery(result, null, Instant.now());
    h.publishRetry(redelivery);
    await().atMost(WAIT).until(() -> receiver.requestsFor(runId).size() == 2);
    assertEquals(
        runId,
        receiver.requestsFor(runId).get(1).headers().get("webhook-id"),
        "the same idempotency key: a receiver that has it may drop it");

    // the same redelivery again (a copy after a crash): it was made, so not again
    h.publishRetry(redelivery);
    await().atMost(WAIT).until(() -> dispatcher.metrics().duplicatesSkipped() == 2);
    assertEquals(2, receiver.requestsFor(runId).size());
  }

  @Test
  void aRedeliveryThatFailsIsRetriedLikeAnyDelivery() {
    DispatcherVerticle dispatcher = h.deploy(h.config("100ms,200ms"));
    receiver.answer((run, attempt) -> Reply.of(attempt == 2 ? 503 : 200));
    RunResult result = delivered(dispatcher);

    h.publishRetry(DeliveryRecord.redelivery(result, null, Instant.now()));
    await().atMost(WAIT).until(() -> receiver.requestsFor(result.runId()).size() == 3);
    h.awaitWebhook(result.runId(), WebhookState.DELIVERED, WAIT);
    assertEquals(0, dispatcher.metrics().duplicatesSkipped());
  }
}
