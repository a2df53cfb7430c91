package dev.hookrun.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.kafka.Topics;
import dev.hookrun.kafka.SharedTestBroker;
import dev.hookrun.testkit.TestHttp;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 (cold start): the local run sends WARMUP_RUNS runs through itself before /readyz says
 * ready, so a client that waits for ready (as a load balancer or the benchmark does) never meets
 * the cold JVM.
 */
class WarmUpTest {

  private static final int RUNS = 300;

  @Test
  void readyIsSaidOnlyOnceEveryWarmUpRunWasDelivered(@TempDir Path dir) throws Exception {
    int port = freePort();
    String prefix = "warm-" + UUID.randomUUID() + ".";
    LocalStack stack =
        new LocalStack(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                SharedTestBroker.bootstrapServers(),
                "TOPIC_PREFIX",
                prefix,
                "WORKER_GROUP_ID",
                "warm-workers-" + UUID.randomUUID(),
                "DISPATCHER_GROUP_ID",
                "warm-dispatchers-" + UUID.randomUUID(),
                "HTTP_PORT",
                String.valueOf(port),
                "DATA_DIR",
                dir.toString(),
                "WARMUP_RUNS",
                String.valueOf(RUNS),
                // the settling load runs too (its end on a quiet JIT is WarmUpSettleTest's)
                "WARMUP_SETTLE_MAX",
                "2s"));
    try {
      Future<Void> started = stack.start();
      TestHttp http = new TestHttp(port, "dev-key-change-me");
      assertTrue(
          WarmUpChecks.readyAfterNamingTheWarmUp(http, Duration.ofSeconds(120)),
          "/readyz named the warm-up while it ran");
      await().atMost(Duration.ofSeconds(10)).until(started::isComplete);
      assertTrue(started.succeeded());
      // two rounds (the second recompiles what tearing the first down threw away), each a burst of
      // RUNS and then the settling load
      assertTrue(
          stack.warmUpAccepted() > 2 * RUNS,
          "both rounds sent their burst, and the settling load more: " + stack.warmUpAccepted());
      // every shape of request it sends (header sets, a chunked body, fields of every JSON type)
      // is one the gateway accepts
      assertEquals(stack.warmUpSent(), stack.warmUpAccepted());
      // at the moment the run says ready, every warm-up run has had its webhook delivered
      assertEquals(stack.warmUpAccepted(), stack.warmUpDelivered());

      // and nothing of it is left: not in the platform's topics, nor topics or groups of its own
      WarmUpChecks.nothingLeftOf(
          List.of(WarmUpStack.prefix(prefix, 1), WarmUpStack.prefix(prefix, 2)), prefix);
      // the platform itself works after it: a run through the real stages
      TestHttp.Response run =
          http.post(
              "/v3/" + LocalStackConfig.DEV_PROJECT + "/" + WarmUp.APP + "/predict",
              new JsonObject().put("delayMins", 0).encode());
      assertEquals(200, run.status(), String.valueOf(run.json()));
      assertEquals("succeeded", run.json().getString("status"));
    } finally {
      stack.stop();
    }
  }

  /**
   * Deleting a topic only marks its partitions' directories; the broker removes them later. On its
   * own broker, the run says ready only once the warm-up's are gone, so that their removal does not
   * land in the first minute of real load.
   */
  @Test
  void onItsOwnBrokerTheWarmUpsTopicsAreOffTheDiskOnceReady(@TempDir Path dir) {
    LocalStack stack =
        new LocalStack(
            Map.of(
                "LOCAL_KAFKA_PORT",
                String.valueOf(freePort()),
                "HTTP_PORT",
                String.valueOf(freePort()),
                "DATA_DIR",
                dir.toString(),
                "WARMUP_RUNS",
                "100",
                "WARMUP_SETTLE_MAX",
                "1s"));
    try {
      Future<Void> started = stack.start();
      await().atMost(Duration.ofSeconds(120)).until(started::isComplete);
      assertTrue(started.succeeded());
      assertTrue(stack.warmUpAccepted() >= 200, "both rounds ran: " + stack.warmUpAccepted());

      Path logs = dir.resolve("kafka").resolve("logs");
      // the platform's own topics are on this disk, as many partitions as this machine warrants
      assertEquals(
          LocalStackConfig.ownBrokerPartitions(Runtime.getRuntime().availableProcessors()),
          WarmUpFiles.left(logs, "hookrun.requests-").size());
      // both rounds' topics ("hookrun-warmup." and "hookrun-warmup2."), marked for removal or not
      assertEquals(List.of(), WarmUpFiles.left(logs, "hookrun-warmup"));
    } finally {
      stack.stop();
    }
  }

  @Test
  void whatTheWarmUpDeletesIsNeverAPlatformTopic() {
    assertEquals("hookrun-warmup.", WarmUpStack.prefix("hookrun.", 1));
    assertEquals("hookrun-warmup2.", WarmUpStack.prefix("hookrun.", 2));
    assertEquals("acme-warmup.", WarmUpStack.prefix("acme-", 1));
    assertEquals("acme_x-warmup.", WarmUpStack.prefix("acme_x", 1));
    // what the warm-up deletes (everything under its prefix) is never one of the platform's topics
    for (String platform : List.of("hookrun.", "acme-", "acme_x", "a.b.", "x")) {
      Topics topics = new Topics(platform);
      for (String topic :
          List.of(
              topics.requests(),
              topics.results(),
              topics.runState(),
              topics.cancels(),
              topics.retryTier(1),
              topics.deadLetters())) {
        for (int round = 1; round <= 2; round++) {
          assertTrue(!topic.startsWith(WarmUpStack.prefix(platform, round)), topic);
        }
      }
    }
  }

  @Test
  void warmUpRunsZeroTurnsItOff() {
    assertEquals(0, LocalStackConfig.fromEnv(Map.of("WARMUP_RUNS", "0")).warmUpRuns());
    assertEquals(2000, LocalStackConfig.fromEnv(Map.of()).warmUpRuns());
    assertEquals(Duration.ofSeconds(60), LocalStackConfig.fromEnv(Map.of()).warmUpSettleMax());
    assertEquals(
        Duration.ZERO,
        LocalStackConfig.fromEnv(Map.of("WARMUP_SETTLE_MAX", "0s")).warmUpSettleMax());
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
