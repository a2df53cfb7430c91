package dev.hookrun.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.run.WorkerHeartbeat;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM: the worker takes no more work, lets short runs finish, hands long ones back without
 * publishing them and says it left, so the scheduler releases them again at once.
 */
class DrainTest {

  @Test
  void sigtermDrainsShortRunsAndHandsBackLongOnesSayingItLeft() {
    try (WorkerTestKit kit = new WorkerTestKit(Duration.ofSeconds(6))) {
      Map<String, String> env = new HashMap<>(kit.processEnv("leaver"));
      env.put("DRAIN_TIMEOUT", "8s");
      try (WorkerProcess leaver = new WorkerProcess(env)) {
        await().atMost(Duration.ofSeconds(60)).until(() -> kit.shareGroupMembers() == 1);
        String shortRun = kit.submit(0.05); // 3 s: finishes within the drain
        String longRun = kit.submit(1); // 60 s: handed back
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> !kit.runningOn(shortRun).isEmpty() && !kit.runningOn(longRun).isEmpty());
        String name = kit.runningOn(longRun).get(0);

        leaver.terminate();

        await().atMost(Duration.ofSeconds(30)).until(() -> !leaver.isAlive());
        assertEquals(1, kit.outcomes().get(shortRun).size(), leaver.output());
        assertEquals(
            "succeeded",
            kit.outcomes().get(shortRun).get(0).getString("status"),
            "the short run finished during the drain:\n" + leaver.output());
        assertFalse(
            kit.outcomes().containsKey(longRun),
            "the leaver must not publish the run it handed back");
        WorkerHeartbeat last = kit.heartbeats().get(name);
        assertTrue(
            last != null && last.state() == WorkerHeartbeat.State.LEFT,
            "its last heartbeat says it left: " + last);
      }
    }
  }
}
