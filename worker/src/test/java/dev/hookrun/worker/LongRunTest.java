package dev.hookrun.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Runs far longer than max.poll.interval.ms finish once, without a rebalance. */
class LongRunTest {

  @Test
  void thirtySecondRunsUnderATenSecondPollIntervalFinishOnceWithoutRebalance() {
    Vertx vertx = Vertx.vertx();
    try (WorkerTestKit kit = new WorkerTestKit(Duration.ofSeconds(6))) {
      // a bound of 2 in flight makes the consumer pause with runs queued behind the long ones
      WorkerVerticle worker =
          new WorkerVerticle(
              kit.config("long-1").withMaxPollInterval(Duration.ofSeconds(10)).withMaxInflight(2));
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
        assertEquals(List.of("long-1"), kit.runningOn(run), "each run started once");
      }
      assertEquals(0, worker.revokedPartitions(), "no rebalance took partitions away");
      assertEquals(0, worker.lostPartitions(), "the member never fell out of the group");
      assertEquals(12, worker.assignment().size());
    } finally {
      vertx.close().await();
    }
  }
}
