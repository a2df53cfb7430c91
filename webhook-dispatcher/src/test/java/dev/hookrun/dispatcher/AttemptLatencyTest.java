package dev.hookrun.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.run.DeliveryState;
import dev.hookrun.common.run.WebhookState;
import dev.hookrun.testkit.TopicReader;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each attempt's latency is on the records an operator reads: the run's webhook state and the
 * retry-tier record's last failure (the console's attempts table shows them).
 */
class AttemptLatencyTest {

  private static final long ANSWER_AFTER_MS = 300;

  private final DispatcherHarness h = new DispatcherHarness("latency");

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void everyAttemptThatReachedTheReceiverCarriesHowLongItTook() {
    AtomicInteger requests = new AtomicInteger();
    HttpServer slow =
        h.vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    h.vertx.setTimer(
                        ANSWER_AFTER_MS,
                        t ->
                            req.response()
                                .setStatusCode(requests.incrementAndGet() == 1 ? 500 : 200)
                                .end()))
            .listen(0, "127.0.0.1")
            .await();
    h.deploy(h.config("100ms,200ms"));
    String runId = h.publish("p-1", "http://127.0.0.1:" + slow.actualPort() + "/hook");

    WebhookState delivered = h.awaitWebhook(runId, WebhookState.DELIVERED, Duration.ofSeconds(30));
    assertTrue(delivered.latencyMs() >= ANSWER_AFTER_MS, "delivered in " + delivered.latencyMs());
    List<WebhookState> pending =
        h.dispatcherStates(runId).stream()
            .map(DeliveryState::webhook)
            .filter(w -> w.status().equals(WebhookState.PENDING))
            .toList();
    assertEquals(1, pending.size());
    assertTrue(pending.get(0).latencyMs() >= ANSWER_AFTER_MS, "failed in " + pending);

    List<JsonObject> retries =
        TopicReader.valuesFor(h.kafka.bootstrapServers(), h.kafka.topics().retryTier(1), runId);
    assertEquals(1, retries.size());
    JsonObject failure = retries.get(0).getJsonObject("last_failure");
    assertEquals(500, failure.getInteger("status_code"));
    assertTrue(failure.getLong("latency_ms") >= ANSWER_AFTER_MS, failure::encode);
  }

  @Test
  void aDeliveryNeverSentHasNoLatency() {
    h.deploy(h.config("100ms"));
    // a port no URL can have: dead-lettered without an attempt, so no latency
    String runId = h.publish("p-1", "http://127.0.0.1:99999/hook");
    WebhookState failed = h.awaitWebhook(runId, WebhookState.FAILED, Duration.ofSeconds(30));
    assertNull(failed.latencyMs());
  }
}
