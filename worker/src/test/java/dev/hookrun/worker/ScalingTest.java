package dev.hookrun.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Workers share the partitions; joining and dying members move little work and lose none. */
class ScalingTest {

  private static List<String> everyRunOnceSucceeded(WorkerTestKit kit, List<String> runs) {
    var outcomes = kit.outcomes();
    List<String> problems = new ArrayList<>();
    for (String run : runs) {
      var list = outcomes.get(run);
      if (list == null
          || list.size() != 1
          || !"succeeded".equals(list.get(0).getString("status"))) {
        problems.add(run + " -> " + list);
      }
    }
    return problems;
  }

  @Test
  void threeWorkersShareThePartitionsAndAFourthMovesFewAndLosesNoRun() {
    List<Vertx> processes = new ArrayList<>();
    try (WorkerTestKit kit = new WorkerTestKit(Duration.ofSeconds(6))) {
      List<WorkerVerticle> workers = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        Vertx process = Vertx.vertx();
        processes.add(process);
        WorkerVerticle worker = new WorkerVerticle(kit.config("scale-" + i));
        process.deployVerticle(worker).await();
        workers.add(worker);
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> workers.stream().allMatch(w -> w.assignment().size() == 4));

      List<String> runs =
          IntStream.range(0, 30).mapToObj(i -> kit.submit(0.1)).toList(); // 6 s each
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> workers.stream().mapToInt(WorkerVerticle::inFlight).sum() == 30);
      int revokedBefore = workers.stream().mapToInt(WorkerVerticle::revokedPartitions).sum();

      Vertx fourthProcess = Vertx.vertx();
      processes.add(fourthProcess);
      WorkerVerticle fourth = new WorkerVerticle(kit.config("scale-4"));
      fourthProcess.deployVerticle(fourth).await();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  fourth.assignment().size() == 3
                      && workers.stream().allMatch(w -> w.assignment().size() == 3));

      int moved =
          workers.stream().mapToInt(WorkerVerticle::revokedPartitions).sum() - revokedBefore;
      assertEquals(3, moved, "only the three partitions the newcomer takes may move");
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> everyRunOnceSucceeded(kit, runs).isEmpty());
    } finally {
      processes.forEach(p -> p.close().await());
    }
  }

  @Test
  void aWorkerKilledMidRunHasItsRunsReRunByTheOthersWithinFifteenSeconds() {
    Vertx survivorProcess = Vertx.vertx();
    try (WorkerTestKit kit = new WorkerTestKit(Duration.ofSeconds(6));
        WorkerProcess victim = new WorkerProcess(kit.processEnv("victim"))) {
      WorkerVerticle survivor = new WorkerVerticle(kit.config("survivor"));
      survivorProcess.deployVerticle(survivor).await();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> kit.partitionsPerMember().size() == 2 && survivor.assignment().size() == 6);

      List<String> runs =
          IntStream.range(0, 24).mapToObj(i -> kit.submit(0.25)).toList(); // 15 s each
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                var running = kit.runningOn();
                return runs.stream().allMatch(running::containsKey)
                    && runs.stream().anyMatch(r -> running.get(r).equals(List.of("victim")));
              });
      var runningBeforeKill = kit.runningOn();
      List<String> onVictim =
          runs.stream().filter(r -> runningBeforeKill.get(r).contains("victim")).toList();

      victim.kill();
      long killedAt = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                var running = kit.runningOn();
                return onVictim.stream().allMatch(r -> running.get(r).contains("survivor"));
              });
      double restartSeconds = (System.nanoTime() - killedAt) / 1e9;
      System.out.printf(
          "re-runs of the killed worker's %d runs all started %.1f s after the kill%n",
          onVictim.size(), restartSeconds);
      assertTrue(restartSeconds < 15, "re-run started after " + restartSeconds + " s");

      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> everyRunOnceSucceeded(kit, runs).isEmpty());
      for (String run : onVictim) {
        assertEquals("survivor", kit.outcomes().get(run).get(0).getString("worker_id"));
      }
    } finally {
      survivorProcess.close().await();
    }
  }

  @Test
  void sigtermDrainsShortRunsAndHandsBackLongOnes() {
    Vertx otherProcess = Vertx.vertx();
    try (WorkerTestKit kit = new WorkerTestKit(Duration.ofSeconds(6))) {
      Map<String, String> env = new java.util.HashMap<>(kit.processEnv("leaver"));
      env.put("DRAIN_TIMEOUT", "8s");
      try (WorkerProcess leaver = new WorkerProcess(env)) {
        await().atMost(Duration.ofSeconds(60)).until(() -> kit.partitionsPerMember().size() == 1);
        String shortRun = kit.submit(0.05); // 3 s: finishes within the drain
        String longRun = kit.submit(1); // 60 s: handed back
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> !kit.runningOn(shortRun).isEmpty() && !kit.runningOn(longRun).isEmpty());

        leaver.terminate();
        WorkerVerticle other =
            new WorkerVerticle(kit.config("other").withMaxRunTime(Duration.ofHours(1)));
        otherProcess.deployVerticle(other).await();

        await().atMost(Duration.ofSeconds(30)).until(() -> !leaver.isAlive());
        assertEquals(
            "leaver",
            kit.outcomes().get(shortRun).get(0).getString("worker_id"),
            "the short run finished during the drain:\n" + leaver.output());
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> kit.runningOn(longRun).contains("other"));
        assertTrue(
            !kit.outcomes().containsKey(longRun),
            "the leaver must not publish the run it handed back");
        assertEquals(1, kit.outcomes().get(shortRun).size());
      }
    } finally {
      otherProcess.close().await();
    }
  }
}
