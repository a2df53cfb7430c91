package dev.hookrun.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.testkit.SharedTestBroker;
import dev.hookrun.testkit.TestHttp;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local run accepts a published key and delivers webhooks to loopback, so it listens on this
 * machine only unless HTTP_HOST says otherwise, and its banner says where.
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

      // /metrics on the admin listener the banner prints, on a port of its own, never the API's
      int admin = stack.adminPort();
      assertTrue(admin != port && admin != 8081, "a free port, not the gateway's fixed default");
      assertTrue(banner.contains("metrics:  http://127.0.0.1:" + admin + "/metrics"), banner);
      assertTrue(banner.contains("ops:      http://127.0.0.1:" + admin + "/ops/groups"), banner);
      assertTrue(banner.contains("set ADMIN_KEY"), banner);
      var metrics = new TestHttp(admin, "unused").sendRaw("GET", "/metrics", Map.of(), null);
      assertEquals(200, metrics.statusCode());
      assertTrue(
          metrics.body().contains("hookrun_worker_runs_inflight"),
          "every stage's meters, one registry");
      assertEquals(404, new TestHttp(port, "unused").get("/metrics").status());
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
    assertTrue(
        LocalStackMain.listenNote("127.0.0.1", 8080).contains("HTTP_HOST=0.0.0.0 with API_KEYS"));
  }
}
