package dev.hookrun.dispatcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.delivery.DeadLetterHeaders;
import dev.hookrun.common.run.WebhookState;
import io.vertx.core.Future;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SSRF policy end to end. Everything stays on loopback: with the allow-list closed, loopback
 * stands in for every refused class (the guard's verdicts on the other classes are checked in
 * {@link AddressGuardTest}); with 127.0.0.0/8 allowed, the same receivers get their webhooks.
 */
class AddressSafetyTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final DispatcherHarness h = new DispatcherHarness("ssrf");
  private final ScriptedReceiver receiver = new ScriptedReceiver(h.vertx);

  /** Made-up names: hooks.example.test is our loopback receiver; the others are internal hosts. */
  private static final Resolver NAMES =
      host -> {
        try {
          return Future.succeededFuture(
              List.of(
                  switch (host) {
                    case "hooks.example.test" -> InetAddress.getByName("127.0.0.1");
                    case "internal.example.test" -> InetAddress.getByName("10.20.30.40");
                    case "metadata.example.test" -> InetAddress.getByName("169.254.169.254");
                    default -> InetAddress.getByName(host); // IP literals
                  }));
        } catch (UnknownHostException e) {
          return Future.failedFuture(e);
        }
      };

  @AfterEach
  void tearDown() {
    h.close();
  }

  /** The default policy: public addresses only. */
  private DispatcherConfig closed() {
    return DispatcherConfig.defaults(h.kafka)
        .withGroupId(h.groupId)
        .withRetrySchedule("100ms,200ms");
  }

  private WebhookState failedState(String runId) {
    return h.awaitWebhook(runId, WebhookState.FAILED, WAIT);
  }

  private void assertRefusedAtOnce(String runId, String... mentions) {
    WebhookState failed = failedState(runId);
    assertEquals(1, failed.attempts(), "refused at once, no retries");
    assertNull(failed.lastStatusCode());
    for (String mention : mentions) {
      assertTrue(
          failed.lastError().contains(mention), "'" + mention + "' in: " + failed.lastError());
    }
    assertEquals(
        DeadLetterHeaders.REFUSED,
        DispatcherHarness.header(h.deadLetterRecords(runId).get(0), DeadLetterHeaders.REASON));
  }

  @Test
  void loopbackIsRefusedWhenTheAllowListIsClosed() {
    DispatcherVerticle dispatcher = h.deploy(closed());
    String runId = h.publish("p-1", receiver.url());

    assertRefusedAtOnce(runId, "127.0.0.1", "loopback", "WEBHOOK_ALLOWED_NETWORKS");
    assertEquals(0, receiver.requests().size(), "nothing reached the receiver");
    assertEquals(1, dispatcher.metrics().refused());
    assertEquals(0, dispatcher.metrics().retriesScheduled());
  }

  @Test
  void aHostNameThatResolvesToLoopbackIsRefused() {
    h.deploy(closed(), NAMES);
    String viaFakeName = h.publish("p-1", "http://hooks.example.test:" + receiver.port() + "/hook");
    assertRefusedAtOnce(viaFakeName, "hooks.example.test resolves to 127.0.0.1", "loopback");
    assertEquals(0, receiver.requests().size());
  }

  @Test
  void localhostThroughTheSystemResolverIsRefused() {
    h.deploy(closed());
    String runId = h.publish("p-1", "http://localhost:" + receiver.port() + "/hook");
    assertRefusedAtOnce(runId, "localhost resolves to", "loopback");
    assertEquals(0, receiver.requests().size());
  }

  @Test
  void privateAndMetadataAddressesAreRefusedWithoutAConnection() {
    h.deploy(closed(), NAMES);
    String internal = h.publish("p-1", "http://internal.example.test/hook");
    String metadata = h.publish("p-1", "http://metadata.example.test/latest/meta-data/");
    String literal = h.publish("p-1", "http://[::ffff:127.0.0.1]:" + receiver.port() + "/hook");
    assertRefusedAtOnce(internal, "10.20.30.40", "private");
    assertRefusedAtOnce(metadata, "169.254.169.254", "cloud metadata");
    assertRefusedAtOnce(literal, "loopback");
  }

  @Test
  void aPortOutsideTheAllowedPortsIsRefusedLikeARefusedAddress() {
    int port = receiver.port();
    String others = port == 443 ? "80" : "80,443";
    String range = (port - 1) + "-" + (port + 1);
    DispatcherConfig open = closed().withAllowedNetworks(List.of("127.0.0.0/8"));
    DispatcherVerticle dispatcher = h.deploy(open.withAllowedPorts(others));
    String runId = h.publish("p-1", receiver.url());

    assertRefusedAtOnce(runId, "127.0.0.1:" + port, "WEBHOOK_ALLOWED_PORTS", others);
    assertEquals(0, receiver.requests().size(), "nothing reached the receiver");
    assertEquals(1, dispatcher.metrics().refused());
    assertEquals(0, dispatcher.metrics().retriesScheduled());

    h.vertx.undeploy(h.vertx.deploymentIDs().iterator().next()).await();
    h.deploy(open.withAllowedPorts("80," + range));
    String inRange = h.publish("p-1", receiver.url());
    assertEquals(
        WebhookState.DELIVERED, h.awaitWebhook(inRange, WebhookState.DELIVERED, WAIT).status());
    assertEquals(1, receiver.requestsFor(inRange).size());
  }

  @Test
  void onlyHttpAndHttpsAreDelivered() {
    h.deploy(closed());
    String runId = h.publish("p-1", "file:///etc/passwd");
    assertRefusedAtOnce(runId, "only http and https");
  }

  @Test
  void openingLoopbackDeliversAndConnectsToTheCheckedAddressWithTheNameInTheHostHeader() {
    DispatcherConfig open = closed().withAllowedNetworks(List.of("127.0.0.0/8"));
    h.deploy(open, NAMES);
    String literal = h.publish("p-1", receiver.url());
    String named = h.publish("p-1", "http://hooks.example.test:" + receiver.port() + "/hook?x=1");

    await()
        .atMost(WAIT)
        .until(
            () ->
                receiver.requestsFor(literal).size() == 1
                    && receiver.requestsFor(named).size() == 1);
    ScriptedReceiver.Request request = receiver.requestsFor(named).get(0);
    assertEquals(
        "hooks.example.test:" + receiver.port(),
        request.headers().get("host"),
        "connected to 127.0.0.1 (the name exists only in our resolver) while the Host header keeps the name");
    assertEquals("/hook?x=1", request.uri());
    h.awaitWebhook(named, WebhookState.DELIVERED, WAIT);
  }

  @Test
  void anAllowListThatDoesNotCoverLoopbackStillRefusesIt() {
    h.deploy(closed().withAllowedNetworks(List.of("10.0.0.0/8")).withSecrets(Map.of()), NAMES);
    String loopback = h.publish("p-1", receiver.url());
    assertRefusedAtOnce(loopback, "loopback");
  }
}
