package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.testkit.ManualClock;
import dev.hookrun.testkit.SharedTestBroker;
import dev.hookrun.testkit.TestEnv;
import dev.hookrun.testkit.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SSE_MAX_PER_KEY and the end of a stream whose run leaves the view, as a client of
 * runs/{id}/events sees them.
 */
class EventStreamLimitsTest {

  private static final String KEY = "stream-" + UUID.randomUUID();
  private static final String OTHER_KEY = "other-" + UUID.randomUUID();
  private static final String APP = "/v3/p-1/webhook-delay-example";

  private final ManualClock clock = new ManualClock(Instant.now());
  private Vertx vertx;
  private int port;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    GatewayVerticle gateway =
        new GatewayVerticle(
                GatewayConfig.fromEnv(
                    TestEnv.gateway(
                        SharedTestBroker.bootstrapServers(),
                        "streams-" + UUID.randomUUID() + ".",
                        KEY + "=p-1," + OTHER_KEY + "=p-1",
                        Map.of(
                            "SSE_MAX_PER_KEY",
                            "2",
                            "RUN_RETENTION",
                            "1h",
                            "QUEUE_TTL",
                            "1h",
                            "MAX_RUN_TIME",
                            "1h"))))
            .withClock(clock);
    vertx.deployVerticle(gateway).await();
    port = gateway.actualPort();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private String queuedRun() {
    var accepted =
        new TestHttp(port, KEY)
            .postRaw(APP + "/predict?async=true", "{\"delayMins\": 1}", Map.of());
    assertEquals(202, accepted.statusCode(), accepted::body);
    return new JsonObject(accepted.body()).getString("run_id");
  }

  /** An open event stream on its own connection. */
  private final class Stream implements AutoCloseable {
    final Socket socket;
    final BufferedReader in;
    final String statusLine;

    Stream(String runId, String key) throws IOException {
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setSoTimeout(15_000);
      socket
          .getOutputStream()
          .write(
              ("GET "
                      + APP
                      + "/runs/"
                      + runId
                      + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                      + key
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.UTF_8));
      in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      statusLine = in.readLine();
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        // headers
      }
    }

    /** Reads until a line containing {@code text}; false when the stream ends first. */
    boolean readsUntil(String text) throws IOException {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.contains(text)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void pastSseMaxPerKeyAStreamIsRefused429AndAClosedOneFreesItsSlot() throws Exception {
    String runId = queuedRun();
    try (Stream first = new Stream(runId, KEY);
        Stream second = new Stream(runId, KEY)) {
      assertEquals("HTTP/1.1 200 OK", first.statusLine);
      assertEquals("HTTP/1.1 200 OK", second.statusLine);
      assertTrue(first.readsUntil("event: status"));

      var refused =
          new TestHttp(port, KEY)
              .sendRaw(
                  "GET", APP + "/runs/" + runId + "/events", Map.of("Authorization", KEY), null);
      assertEquals(429, refused.statusCode(), refused::body);
      JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
      assertEquals("too_many_streams", error.getString("code"));
      assertTrue(error.getString("message").contains("SSE_MAX_PER_KEY"), error::encode);

      // the cap is per key: another key of the same project still gets its stream
      try (Stream other = new Stream(runId, OTHER_KEY)) {
        assertEquals("HTTP/1.1 200 OK", other.statusLine);
      }

      first.close();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                try (Stream again = new Stream(runId, KEY)) {
                  return again.statusLine.equals("HTTP/1.1 200 OK");
                }
              });
    }
  }

  @Test
  void aStreamEndsWithAGoneEventWhenItsRunLeavesTheView() throws Exception {
    String runId = queuedRun();
    try (Stream stream = new Stream(runId, KEY)) {
      assertEquals("HTTP/1.1 200 OK", stream.statusLine);
      assertTrue(stream.readsUntil("event: status"));
      // an unfinished run stays while it may still end: past RUN_RETENTION + QUEUE_TTL +
      // MAX_RUN_TIME (its outcome was lost) the next sweep drops it
      clock.advance(Duration.ofHours(4));
      assertTrue(stream.readsUntil("event: gone"), "no gone event before the stream ended");
      assertTrue(stream.readsUntil(runId));
      // then the response ends: the chunked body's last chunk
      assertTrue(stream.readsUntil("0"), "the stream was not ended");
    }
    // and the run is gone for the status route too
    assertEquals(404, new TestHttp(port, KEY).get(APP + "/runs/" + runId).status());
  }
}
