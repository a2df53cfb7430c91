package dev.hookrun.dispatcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.run.WebhookState;
import dev.hookrun.testkit.TestCertificate;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * https webhooks. The sender connects to the address the guard checked, not to the name, so TLS
 * must still be done for the name: SNI and hostname verification against the URL's host. A receiver
 * on 127.0.0.1 with a certificate for {@code hooks.example.test} (made with the JDK's keytool),
 * reached through a resolver that maps made-up names to it.
 */
class WebhookTlsTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String PASSWORD = "changeit";

  private static final Resolver NAMES =
      host -> {
        try {
          return Future.succeededFuture(
              List.of(
                  switch (host) {
                    case "hooks.example.test", "other.example.test" ->
                        InetAddress.getByName("127.0.0.1");
                    default -> throw new java.net.UnknownHostException(host);
                  }));
        } catch (java.net.UnknownHostException e) {
          return Future.failedFuture(e);
        }
      };

  private final DispatcherHarness h = new DispatcherHarness("tls");
  private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
  private HttpServer server;
  private Path certificate;

  @BeforeEach
  void receiverWithACertificateForItsName(@TempDir Path dir) throws Exception {
    TestCertificate receiver =
        TestCertificate.create(
            dir, "receiver", "hooks.example.test", "dns:hooks.example.test", PASSWORD);
    Path keystore = receiver.keystore();
    certificate = receiver.certificate();
    server =
        h.vertx
            .createHttpServer(
                new HttpServerOptions()
                    .setSsl(true)
                    .setKeyCertOptions(
                        new PfxOptions().setPath(keystore.toString()).setPassword(PASSWORD)))
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              received
                                  .computeIfAbsent(
                                      new JsonObject(body.toString()).getString("run_id"),
                                      r -> new AtomicInteger())
                                  .incrementAndGet();
                              req.response().setStatusCode(200).end();
                            }))
            .listen(0, "127.0.0.1")
            .await();
  }

  @AfterEach
  void tearDown() {
    server.close().await();
    h.close();
  }

  @Test
  void anHttpsWebhookIsDeliveredWithTheCertificateCheckedAgainstTheUrlsHost() {
    h.deploy(h.config("100ms"), NAMES, new PemTrustOptions().addCertPath(certificate.toString()));
    String runId = h.publish("p-1", "https://hooks.example.test:" + server.actualPort() + "/hook");

    h.awaitWebhook(runId, WebhookState.DELIVERED, WAIT);
    assertEquals(1, received.get(runId).get());
  }

  @Test
  void aCertificateForAnotherNameOrFromAnUntrustedIssuerIsNeverDeliveredTo() {
    // other.example.test reaches the same server, whose certificate does not name it
    h.deploy(h.config("100ms"), NAMES, new PemTrustOptions().addCertPath(certificate.toString()));
    String wrongName =
        h.publish("p-1", "https://other.example.test:" + server.actualPort() + "/hook");
    h.awaitWebhook(wrongName, WebhookState.FAILED, WAIT);
    WebhookState failed = h.dispatcherState(wrongName).orElseThrow().webhook();
    assertEquals(2, failed.attempts());
    assertTrue(
        failed.lastError().contains("other.example.test"),
        "the error names the mismatch: " + failed.lastError());

    DispatcherHarness untrusting = new DispatcherHarness("tls-untrusted");
    try {
      untrusting.deploy(
          untrusting.config("100ms"),
          NAMES); // the JDK's trust only: a self-signed certificate fails
      String selfSigned =
          untrusting.publish("p-1", "https://hooks.example.test:" + server.actualPort() + "/hook");
      await()
          .atMost(WAIT)
          .until(
              () ->
                  untrusting
                      .dispatcherState(selfSigned)
                      .map(s -> s.webhook().status().equals(WebhookState.FAILED))
                      .orElse(false));
      assertTrue(!received.containsKey(selfSigned), "no request reached the receiver");
      String error = untrusting.dispatcherState(selfSigned).orElseThrow().webhook().lastError();
      assertTrue(
          error.contains("certification path"),
          "the error says the certificate is not trusted: " + error);
    } finally {
      untrusting.close();
    }
    assertTrue(!received.containsKey(wrongName), "no request reached the receiver");
  }
}
