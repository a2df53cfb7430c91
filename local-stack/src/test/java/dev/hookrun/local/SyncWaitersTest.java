package dev.hookrun.local;

import static dev.hookrun.local.TestStack.PROJECT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Replays of one Idempotency-Key cannot pile up connections held for SYNC_TIMEOUT. */
class SyncWaitersTest {

  private static final String PREDICT = "/v3/" + PROJECT + "/webhook-delay-example/predict";
  private final TestStack stack = new TestStack();
  private final ExecutorService clients = Executors.newFixedThreadPool(12);

  @AfterEach
  void tearDown() {
    clients.shutdownNow();
    stack.close();
  }

  @Test
  void replaysBeyondTheBoundPerRunAreAnswered202AtOnceAndTheOthersGetTheResult() {
    var gateway = stack.gateway(Map.of("SYNC_TIMEOUT", "60s"));
    Map<String, String> headers =
        Map.of(
            "Idempotency-Key",
            "same-key",
            "Content-Type",
            "application/json",
            "Authorization",
            TestStack.KEY);
    var first =
        CompletableFuture.supplyAsync(
            () -> gateway.http().send("POST", PREDICT, headers, "{\"delayMins\": 0}"), clients);
    // no worker yet: the run stays queued, and every sync caller of it waits
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                gateway
                        .http()
                        .send("POST", PREDICT + "?async=true", headers, "{\"delayMins\": 0}")
                        .status()
                    == 202);
    List<Integer> answers = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 11; i++) {
      CompletableFuture.supplyAsync(
              () -> gateway.http().send("POST", PREDICT, headers, "{\"delayMins\": 0}"), clients)
          .thenAccept(r -> answers.add(r.status()));
    }
    // the first caller and 7 replays wait; the other 4 replays are told to poll, at once
    await().atMost(Duration.ofSeconds(10)).until(() -> answers.size() == 4);
    assertEquals(List.of(202, 202, 202, 202), List.copyOf(answers));
    stack.worker("w1");
    await().atMost(Duration.ofSeconds(30)).until(() -> answers.size() == 11 && first.isDone());
    assertEquals(7, answers.stream().filter(s -> s == 200).count(), () -> "answers " + answers);
    assertEquals(200, first.join().status());
  }
}
