package dev.hookrun.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.kafka.SharedTestBroker;
import dev.hookrun.testkit.TestHttp;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10.11: the local run accepts a published key and delivers webhooks to loopback, so it
 * listens on this machine only unless HTTP_HOST says otherwise, and its banner says where.
 */
class LocalBindTest {

  @Test
  void theLocalRunListensOnLoopbackOnlyAndSaysSo(@TempDir Path dir) {
    LocalStack stack =
        new LocalStack(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                SharedTestBroker.bootstrapServers(),
                "TOPIC_PREFIX",
                "bind-" + UUID.randomUUID() + ".",
                "WORKER_GROUP_ID",
                "bind-workers-" + UUID.randomUUID(),
                "DISPATCHER_GROUP_ID",
                "bind-dispatchers-" + UUID.randomUUID(),
                "HTTP_PORT",
                "0",
                "DATA_DIR",
                dir.toString()));
    try {
      stack.start().await();
      assertEquals("127.0.0.1", stack.gatewayHost());
      int port = stack.gatewayPort();
      assertEquals(200, new TestHttp(port, "dev-key-change-me").get("/healthz").status());
      String banner = LocalStackMain.banner(stack, 1);
      assertTrue(
          banner.contains("gateway:  http://127.0.0.1:" + port + "  (listening on 127.0.0.1 only"),
          banner);
      assertTrue(banner.contains("curl -X POST http://127.0.0.1:" + port + "/v3/p-local/"), banner);
    } finally {
      stack.stop();
    }
  }

  @Test
  void httpHostStillDecides() {
    assertEquals("127.0.0.1", LocalStackConfig.httpHost(Map.of()));
    assertEquals("127.0.0.1", LocalStackConfig.httpHost(Map.of("HTTP_HOST", " ")));
    assertEquals("0.0.0.0", LocalStackConfig.httpHost(Map.of("HTTP_HOST", "0.0.0.0")));
    String open = LocalStackMain.listenNote("0.0.0.0", 8080);
    assertTrue(open.contains("http://localhost:8080") && open.contains("ALL interfaces"), open);
  }
}
