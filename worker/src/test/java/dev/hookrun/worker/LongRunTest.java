package dev.hookrun.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Runs far longer than the share group's record lock (15 s) finish once: the record is settled when
 * the run starts, so the group never hands it to another worker meanwhile.
 */
class LongRunTest {

  @Test
  void thirtySecondRunsFinishOnceAndAreNeverHandedOutAgain() {
    Vertx vertx = Vertx.vertx();
    try (WorkerTestKit kit = new WorkerTestKit(Duration.ofSeconds(6))) {
      // two slots: two runs wait in the group while the first two run past their record lock
      WorkerVerticle worker = new WorkerVerticle(kit.config("long").withMaxInflight(2));
      vertx.deployVerticle(worker).await();
      List<String> runs =
          IntStream.range(0, 4).mapToObj(i -> kit.submit(0.5)).toList(); // 30 s each

      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> kit.outcomes().keySet().containsAll(runs));

      var outcomes = kit.outcomes();
      for (String run : runs) {
        assertEquals(1, outcomes.get(run).size(), "one outcome per run");
        assertEquals("succeeded", outcomes.get(run).get(0).getString("status"));
        assertEquals(1, kit.runningOn(run).size(), "each run started once");
      }
    } finally {
      vertx.close().await();
    }
  }
}
