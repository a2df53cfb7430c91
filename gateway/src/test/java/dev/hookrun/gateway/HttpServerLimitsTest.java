package dev.hookrun.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.testkit.SharedTestBroker;
import dev.hookrun.testkit.TestEnv;
import dev.hookrun.testkit.TestHttp;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP_IDLE_TIMEOUT and HTTP_MAX_CONNECTIONS as a client sees them: connections closed by the
 * gateway.
 */
class HttpServerLimitsTest {

  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private int gateway(Map<String, String> extra) {
    Map<String, String> env =
        TestEnv.gateway(
            SharedTestBroker.bootstrapServers(),
            "limits-" + UUID.randomUUID() + ".",
            "k=p-1",
            extra);
    GatewayVerticle gateway = new GatewayVerticle(GatewayConfig.fromEnv(env));
    vertx.deployVerticle(gateway).await();
    return gateway.actualPort();
  }

  @Test
  void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    int port = gateway(Map.of("HTTP_IDLE_TIMEOUT", "1s"));
    try (RawHttp connection = RawHttp.connect(port)) {
      assertEquals("HTTP/1.1 200 OK", connection.get("/healthz"));
      long t0 = System.nanoTime();
      assertTrue(connection.closedByServerWithin(10_000), "an idle connection stays open");
      long waited = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(
          waited >= 500 && waited < 5_000, "closed after " + waited + " ms, expected about 1 s");
    }
  }

  @Test
  void aConnectionThatSendsNoCompleteRequestHeadIsClosedAfterTheHeaderTimeout() throws Exception {
    int port = gateway(Map.of("HTTP_HEADER_TIMEOUT", "1s", "HTTP_IDLE_TIMEOUT", "60s"));
    try (RawHttp silent = RawHttp.connect(port);
        RawHttp slow = RawHttp.connect(port)) {
      slow.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
      long t0 = System.nanoTime();
      assertTrue(slow.closedByServerWithin(10_000), "a half-sent head keeps its connection");
      assertTrue(silent.closedByServerWithin(10_000), "a silent connection stays open");
      long waited = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(waited < 5_000, "closed after " + waited + " ms, expected about 1 s");
    }
    // a client that sends its head in time is served, and then kept for HTTP_IDLE_TIMEOUT
    try (RawHttp prompt = RawHttp.connect(port)) {
      assertEquals("HTTP/1.1 200 OK", prompt.get("/healthz"));
      assertFalse(
          prompt.closedByServerWithin(2_000), "closed by the header timeout after a request");
    }
  }

  @Test
  void aSynchronousPredictWaitingLongerThanTheIdleTimeoutStillGetsItsAnswer() {
    // no worker: the call waits the whole SYNC_TIMEOUT without a byte either way, then answers 202
    int port = gateway(Map.of("HTTP_IDLE_TIMEOUT", "1s", "SYNC_TIMEOUT", "2500ms"));
    var answer =
        new TestHttp(port, "k").post("/v3/p-1/webhook-delay-example/predict", "{\"delayMins\": 0}");
    assertEquals(202, answer.status(), () -> "body: " + answer.json());
    assertEquals(PredictHandler.STILL_RUNNING_MESSAGE, answer.json().getString("message"));
  }

  @Test
  void aConnectionOverTheCapIsClosedAtOnceAndTheCapFreesWhenOneCloses() throws Exception {
    int port = gateway(Map.of("HTTP_MAX_CONNECTIONS", "2"));
    try (RawHttp first = RawHttp.connect(port);
        RawHttp second = RawHttp.connect(port)) {
      assertEquals("HTTP/1.1 200 OK", first.get("/healthz"));
      assertEquals("HTTP/1.1 200 OK", second.get("/healthz"));
      try (RawHttp third = RawHttp.connect(port)) {
        third.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertTrue(
            third.closedByServerWithin(2_000), "a third connection is served over a cap of 2");
      }
      // the two under the cap keep working
      assertEquals("HTTP/1.1 200 OK", first.get("/healthz"));
      second.close();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                try (RawHttp next = RawHttp.connect(port)) {
                  return next.get("/healthz").equals("HTTP/1.1 200 OK");
                } catch (java.io.IOException closed) {
                  return false;
                }
              });
      assertFalse(first.closedByServerWithin(100));
    }
  }
}
