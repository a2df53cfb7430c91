package dev.hookrun.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.run.RunRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A run handed out more than MAX_DELIVERY_ATTEMPTS times ends worker_lost instead of running. */
class WorkerLostTest {

  private final Vertx vertx = Vertx.vertx();
  private final WorkerTestKit kit = new WorkerTestKit(Duration.ofSeconds(6));

  @AfterEach
  void tearDown() {
    vertx.close().await();
    kit.close();
  }

  private RunRequest delayRun() {
    return new RunRequest(
        UUID.randomUUID().toString(),
        "p",
        "webhook-delay-example",
        new JsonObject().put("delayMins", 0.01),
        "http://127.0.0.1:9/hook",
        Instant.now(),
        null);
  }

  @Test
  void aRunPastItsLastAttemptFailsWorkerLostAndTheNextRunsProceed() {
    vertx.deployVerticle(new WorkerVerticle(kit.config("lost").withMaxDeliveryAttempts(3))).await();
    RunRequest lost = delayRun();
    RunRequest third = delayRun();
    RunRequest next = delayRun();
    kit.submit(lost, 4); // three workers died holding it
    kit.submit(third, 3); // its last attempt: it runs
    kit.submit(next);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                kit.outcomes()
                    .keySet()
                    .containsAll(java.util.List.of(lost.runId(), third.runId(), next.runId())));
    var outcome = kit.outcomes().get(lost.runId()).get(0);
    assertEquals("failed", outcome.getString("status"));
    assertEquals("worker_lost", outcome.getJsonObject("error").getString("code"));
    assertTrue(kit.runningOn(lost.runId()).isEmpty(), "its model never started again");
    assertEquals("succeeded", kit.outcomes().get(third.runId()).get(0).getString("status"));
    assertEquals("succeeded", kit.outcomes().get(next.runId()).get(0).getString("status"));
  }
}
