package dev.hookrun.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Workers of one share group take released runs wherever they are free: a short run never waits
 * behind a long one while a worker is idle, and more workers than the work topic has partitions are
 * all busy at once.
 */
class SharedWorkTest {

  private final Vertx vertx = Vertx.vertx();
  private final WorkerTestKit kit = new WorkerTestKit(Duration.ofSeconds(6));

  @AfterEach
  void tearDown() {
    vertx.close().await();
    kit.close();
  }

  private void deploy(String name, int instances, int slots) {
    vertx
        .deployVerticle(
            () -> new WorkerVerticle(kit.config(name).withMaxInflight(slots)),
            new DeploymentOptions().setInstances(instances))
        .await();
    await().atMost(Duration.ofSeconds(30)).until(() -> kit.shareGroupMembers() == instances);
  }

  @Test
  void shortRunsBehindALongOneGoToTheIdleWorkers() {
    deploy("hol", 4, 1);
    String longRun = kit.submit(0.5); // 30 s on one of the four one-slot workers
    await().atMost(Duration.ofSeconds(20)).until(() -> !kit.runningOn(longRun).isEmpty());

    List<String> shortRuns = IntStream.range(0, 12).mapToObj(i -> kit.submit(0)).toList();

    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> kit.outcomes().keySet().containsAll(shortRuns));
    assertFalse(
        kit.outcomes().containsKey(longRun), "the short runs all ended while the long one ran");
    shortRuns.forEach(
        run -> assertEquals("succeeded", kit.outcomes().get(run).get(0).getString("status")));
  }

  @Test
  void sixOneSlotWorkersRunSixRunsAtOnce() {
    deploy("wide", 6, 1);
    long start = System.nanoTime();
    List<String> runs = IntStream.range(0, 6).mapToObj(i -> kit.submit(0.1)).toList(); // 6 s each

    await()
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> kit.outcomes().keySet().containsAll(runs));
    long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
    // a consumer group on two partitions would run two at a time (18 s); six workers take one round
    assertTrue(
        seconds < 12,
        "six 6 s runs on six workers took "
            + seconds
            + " s: "
            + runs.stream()
                .map(r -> kit.outcomes().get(r).get(0))
                .map(o -> o.getString("worker_id") + " " + o.getString("started_at"))
                .toList());
    var workers = runs.stream().map(r -> kit.outcomes().get(r).get(0).getString("worker_id"));
    assertEquals(6, workers.distinct().count(), "each worker ran one");
  }

  @Test
  void everyInstanceHeartbeatsItsSlots() {
    deploy("beat", 2, 3);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                kit.heartbeats().values().stream()
                        .filter(h -> h.workerId().startsWith("beat-"))
                        .filter(h -> h.slots() == 3)
                        .count()
                    == 2);
  }
}
