package dev.hookrun.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TimeLimitsTest {

  private Vertx vertx;
  private WorkerTestKit kit;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    kit = new WorkerTestKit(Duration.ofSeconds(6));
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
    kit.close();
  }

  @Test
  void aRunQueuedPastItsTtlEndsExpiredWithoutRunning() {
    Instant expiresAt = Instant.now().plusMillis(300);
    String runId = kit.submit(0, expiresAt);
    await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(expiresAt));
    vertx
        .deployVerticle(new WorkerVerticle(kit.config("ttl-1")))
        .await(); // the queue is reached late

    await().atMost(Duration.ofSeconds(30)).until(() -> kit.outcomes().containsKey(runId));
    var outcome = kit.outcomes().get(runId).get(0);
    assertEquals("expired", outcome.getString("status"));
    assertEquals("expired", outcome.getJsonObject("error").getString("code"));
    assertNull(outcome.getString("started_at"));
    assertEquals(
        "http://127.0.0.1:9/hook",
        outcome.getString("webhook_endpoint"),
        "so its webhook goes out");
    assertTrue(kit.runningOn(runId).isEmpty(), "an expired run never starts");
  }

  @Test
  void aRunOverTheMaximumRunTimeIsStoppedAndFailsWithATimeout() {
    vertx
        .deployVerticle(
            new WorkerVerticle(kit.config("mrt-1").withMaxRunTime(Duration.ofSeconds(2))))
        .await();
    String runId = kit.submit(1); // asks for 60 s

    await().atMost(Duration.ofSeconds(30)).until(() -> kit.outcomes().containsKey(runId));
    var outcome = kit.outcomes().get(runId).get(0);
    assertEquals("failed", outcome.getString("status"));
    assertEquals("timeout", outcome.getJsonObject("error").getString("code"));
    long runTime = outcome.getLong("run_time_ms");
    assertTrue(runTime >= 1_900 && runTime < 10_000, "stopped after " + runTime + " ms");
  }

  @Test
  void severalInstancesInOneProcessAreSeparateGroupMembers() {
    vertx
        .deployVerticle(
            () -> new WorkerVerticle(kit.config("multi")), new DeploymentOptions().setInstances(3))
        .await();
    await().atMost(Duration.ofSeconds(30)).until(() -> kit.shareGroupMembers() == 3);
    List<String> runs = IntStream.range(0, 12).mapToObj(i -> kit.submit(0)).toList();
    await().atMost(Duration.ofSeconds(30)).until(() -> kit.outcomes().keySet().containsAll(runs));
  }
}
