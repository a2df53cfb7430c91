package dev.hookrun.dispatcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.delivery.DeadLetterHeaders;
import dev.hookrun.common.delivery.EndpointKey;
import dev.hookrun.common.delivery.EndpointState;
import dev.hookrun.common.delivery.EndpointTopic;
import dev.hookrun.common.run.WebhookState;
import dev.hookrun.dispatcher.ScriptedReceiver.Reply;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Endpoint health on a real broker, receivers on 127.0.0.1, ENDPOINT_DISABLE_AFTER of 3 s. */
class EndpointHealthTest {

  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration DISABLE_AFTER = Duration.ofSeconds(3);

  private final DispatcherHarness h = new DispatcherHarness("endpoints");
  private final ScriptedReceiver receiver = new ScriptedReceiver(h.vertx);

  /** A request the notify URL received. */
  private record Notified(String body, MultiMap headers) {}

  private final List<Notified> notified = new CopyOnWriteArrayList<>();
  private final HttpServer notifyServer =
      h.vertx
          .createHttpServer()
          .requestHandler(
              req ->
                  req.body()
                      .onSuccess(
                          body -> {
                            notified.add(
                                new Notified(
                                    body.toString(),
                                    MultiMap.caseInsensitiveMultiMap().addAll(req.headers())));
                            req.response().setStatusCode(204).end();
                          }))
          .listen(0, "127.0.0.1")
          .await();

  @AfterEach
  void tearDown() {
    h.close();
  }

  private String notifyUrl() {
    return "http://127.0.0.1:" + notifyServer.actualPort() + "/endpoint-events";
  }

  @Test
  void anEndpointFailingForTheDisableTimeIsDisabledAcrossARestartUntilEnabled() throws Exception {
    DispatcherConfig config =
        h.config("1s,1s,1s,1s,1s,1s")
            .withSecrets(Map.of("p-health", SECRET))
            .withEndpointHealth(DISABLE_AFTER, Map.of("p-health", notifyUrl()), 0);
    receiver.answer((run, attempt) -> Reply.of(500));
    DispatcherVerticle first = new DispatcherVerticle(config, null, null);
    String firstId = h.vertx.deployVerticle(first).await();
    // the query is not part of the endpoint: runs of one receiver share its health
    String url = receiver.url() + "?run=" + UUID.randomUUID();
    String endpoint = EndpointKey.of(url);
    String failing = h.publish("p-health", url);

    // its attempts fail for 3 s: the endpoint is disabled and its last retry is not sent
    WebhookState failed = h.awaitWebhook(failing, WebhookState.FAILED, WAIT);
    assertEquals(
        DeadLetterHeaders.ENDPOINT_DISABLED,
        DispatcherHarness.header(h.deadLetterRecords(failing).get(0), DeadLetterHeaders.REASON));
    int attemptsMade = receiver.requestsFor(failing).size();
    assertTrue(attemptsMade >= 2 && attemptsMade < 7, "attempts made: " + attemptsMade);
    assertTrue(
        failed.lastError().startsWith(DeadLetterHeaders.ENDPOINT_DISABLED), failed.lastError());

    // the project's notify URL hears it once, signed with the project's secret
    await().atMost(WAIT).until(() -> notified.size() == 1);
    Notified event = notified.get(0);
    var json = new io.vertx.core.json.JsonObject(event.body());
    assertEquals("endpoint.disabled", json.getString("event"));
    assertEquals(endpoint, json.getString("endpoint"));
    assertEquals("p-health", json.getString("project"));
    assertEquals(attemptsMade, json.getInteger("consecutive_failures"), event.body());
    assertTrue(json.containsKey("last_success") && json.getValue("last_success") == null);
    assertTrue(json.getString("disabled_at").startsWith("20"));
    assertTrue(
        StandardWebhooksVerifier.verify(
            SECRET,
            event.headers().get("webhook-id"),
            event.headers().get("webhook-timestamp"),
            event.body(),
            event.headers().get("webhook-signature"),
            System.currentTimeMillis() / 1000));

    // a dispatcher started afresh reads the decision from Kafka
    h.vertx.undeploy(firstId).await();
    receiver.answer((run, attempt) -> Reply.of(200));
    DispatcherVerticle second = new DispatcherVerticle(config, null, null);
    h.vertx.deployVerticle(second).await();
    assertTrue(second.endpoints().get(endpoint).disabled());
    String refused = h.publish("p-health", receiver.url());
    h.awaitWebhook(refused, WebhookState.FAILED, WAIT);
    assertEquals(
        DeadLetterHeaders.ENDPOINT_DISABLED,
        DispatcherHarness.header(h.deadLetterRecords(refused).get(0), DeadLetterHeaders.REASON));
    assertEquals(
        List.of(), receiver.requestsFor(refused), "no HTTP attempt to a disabled endpoint");

    // an operator enables it: the next delivery is made
    EndpointState enabled = new EndpointTopic(h.kafka).enable(receiver.url()).orElseThrow();
    assertTrue(!enabled.disabled());
    await().atMost(WAIT).until(() -> !second.endpoints().get(endpoint).disabled());
    String delivered = h.publish("p-health", url);
    h.awaitWebhook(delivered, WebhookState.DELIVERED, WAIT);
    assertEquals(1, receiver.requestsFor(delivered).size());
    await()
        .atMost(WAIT)
        .until(
            () -> {
              EndpointState state = new EndpointTopic(h.kafka).read().get(endpoint);
              return state.lastSuccessAt() != null && state.consecutiveFailures() == 0;
            });
    EndpointState health = new EndpointTopic(h.kafka).read().get(endpoint);
    assertEquals(attemptsMade + 1, health.attempts(), health.toString());
    assertEquals(1, health.successes());
    assertTrue(health.latencyP95Ms() != null);
    assertEquals(1, notified.size(), "one endpoint.disabled per disable, whatever restarted");
    assertTrue(new EndpointTopic(h.kafka).enable(receiver.url()).isEmpty(), "not disabled now");
  }

  @Test
  void deliveriesOverTheEndpointRateWaitTheirTurnAndNoneFails() {
    double rate = 2;
    int n = 5;
    DispatcherVerticle dispatcher =
        h.deploy(h.config("5s").withEndpointHealth(Duration.ofDays(5), Map.of(), rate));
    // another endpoint of the same host: its delivery opens the connection the next ones reuse
    String elsewhere = receiver.url().replace("/hook", "/other");
    h.awaitWebhook(h.publish("p-rate", elsewhere), WebhookState.DELIVERED, WAIT);
    List<dev.hookrun.common.run.RunResult> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      results.add(DispatcherHarness.result("run-" + UUID.randomUUID(), "p-rate", receiver.url()));
    }
    long publishedAt = System.currentTimeMillis();
    h.publishAll(results, null);

    for (var result : results) {
      WebhookState state = h.awaitWebhook(result.runId(), WebhookState.DELIVERED, WAIT);
      assertEquals(1, state.attempts(), "a throttled delivery spends no attempt");
    }
    List<Long> arrivals =
        receiver.requests().stream()
            .filter(r -> r.uri().equals("/hook"))
            .map(ScriptedReceiver.Request::atMillis)
            .sorted()
            .toList();
    assertEquals(n, arrivals.size());
    long turns = (long) ((n - 1) / rate * 1000);
    // The n-th turn starts (n - 1) / rate after the first, which is no earlier than the publish.
    // (The spread between first and last arrival is not asserted: a first request slowed in
    // transit on a busy machine narrows it without any turn being early.)
    assertTrue(
        arrivals.get(n - 1) - publishedAt >= turns,
        "the last came " + (arrivals.get(n - 1) - publishedAt) + " ms after the publish");
    assertEquals(0, dispatcher.failedCount());
    assertEquals(0, dispatcher.metrics().retriesScheduled());
  }
}
