package dev.hookrun.common.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.run.Priority;
import dev.hookrun.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** A queued run's position is how many runs {@code next} will start before it. */
class FairQueuePositionsTest {

  private static final Map<String, Integer> NONE_RUNNING = Map.of();

  private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));
  private int ids;

  @Test
  void positionsFollowTheOrderNextStartsRunsIn() {
    for (long seed = 1; seed <= 20; seed++) {
      Random random = new Random(seed);
      FairQueue queue = randomQueue(random, Map.of());
      warmUp(queue, random, NONE_RUNNING);

      Map<String, Integer> positions = queue.positions(NONE_RUNNING);
      assertIsPermutation(positions, queue.size());
      List<String> started = new ArrayList<>();
      for (Optional<QueuedRun> run = queue.next(NONE_RUNNING);
          run.isPresent();
          run = queue.next(NONE_RUNNING)) {
        started.add(run.get().runId());
      }
      assertEquals(inPositionOrder(positions), started, "seed " + seed);
    }
  }

  @Test
  void runsOfCappedProjectsComeAfterEveryoneElsesAndTheRestFollowNext() {
    for (long seed = 1; seed <= 20; seed++) {
      Random random = new Random(seed);
      FairQueue queue = randomQueue(random, Map.of("p0", 2, "p1", 3, "p2", 1));
      Map<String, Integer> running = new HashMap<>(Map.of("p0", 1, "p2", 1));
      warmUp(queue, random, running);

      Map<String, Integer> positions = queue.positions(running);
      assertIsPermutation(positions, queue.size());
      List<String> expected = inPositionOrder(positions);
      int starts = 0;
      for (Optional<QueuedRun> run = queue.next(running);
          run.isPresent();
          run = queue.next(running)) {
        assertEquals(expected.get(starts++), run.get().runId(), "seed " + seed);
        running.merge(run.get().project(), 1, Integer::sum);
      }
      // What is left waits for its project's running runs to finish: placed last.
      for (String left : expected.subList(starts, expected.size())) {
        assertTrue(queue.contains(left));
      }
      assertEquals(expected.size() - starts, queue.size(), "seed " + seed);
    }
  }

  @Test
  void askingForPositionsChangesNothing() {
    FairQueue asked = sameRandomQueue();
    FairQueue twin = sameRandomQueue();
    int size = asked.size();
    asked.positions(NONE_RUNNING);
    asked.positions(Map.of("p0", 1, "p1", 5));
    asked.positionOf("run-700", NONE_RUNNING);
    assertEquals(size, asked.size());
    assertEquals(twin.queued("p0"), asked.queued("p0"));
    // Passes and virtual time included: both go on to start exactly the same runs.
    for (Optional<QueuedRun> run = twin.next(NONE_RUNNING);
        run.isPresent();
        run = twin.next(NONE_RUNNING)) {
      assertEquals(run, asked.next(NONE_RUNNING));
    }
    assertEquals(0, asked.size());
  }

  private FairQueue sameRandomQueue() {
    ids = 0;
    Random random = new Random(99);
    FairQueue queue = randomQueue(random, Map.of("p1", 4));
    warmUp(queue, random, NONE_RUNNING);
    return queue;
  }

  @Test
  void positionOfAgreesWithPositions() {
    Random random = new Random(5);
    FairQueue queue = randomQueue(random, Map.of("p3", 1));
    Map<String, Integer> running = Map.of("p3", 1);
    Map<String, Integer> positions = queue.positions(running);
    positions.forEach(
        (runId, position) ->
            assertEquals(OptionalInt.of(position), queue.positionOf(runId, running), runId));
    assertEquals(OptionalInt.empty(), queue.positionOf("not-queued", running));
  }

  @Test
  void positionsOfTenThousandRunsOverFiftyProjectsAreComputed() {
    Random random = new Random(10_000);
    Map<String, Integer> weights = new HashMap<>();
    for (int p = 0; p < 50; p += 5) {
      weights.put("p" + p, 1 + p % 7);
    }
    FairQueue queue =
        new FairQueue(
            new SchedulingPolicy(weights, 1, Map.of(), Integer.MAX_VALUE, Duration.ofMinutes(10)),
            clock);
    for (int i = 0; i < 10_000; i++) {
      queue.add(randomRun(random, 50));
    }
    assertIsPermutation(queue.positions(NONE_RUNNING), 10_000);
    assertEquals(10_000, queue.size());
  }

  /** Random weights and caps, 12 projects, priorities and waits of up to 35 minutes. */
  private FairQueue randomQueue(Random random, Map<String, Integer> maxRunning) {
    Map<String, Integer> weights = new HashMap<>();
    for (int p = 0; p < 12; p++) {
      if (random.nextBoolean()) {
        weights.put("p" + p, 1 + random.nextInt(5));
      }
    }
    SchedulingPolicy policy =
        new SchedulingPolicy(
            weights, 1 + random.nextInt(2), maxRunning, Integer.MAX_VALUE, Duration.ofMinutes(10));
    FairQueue queue = new FairQueue(policy, clock);
    for (int i = 0; i < 1000; i++) {
      queue.add(randomRun(random, 12));
    }
    return queue;
  }

  /** Starts, cancels and adds at random, so passes differ and some projects went idle. */
  private void warmUp(FairQueue queue, Random random, Map<String, Integer> running) {
    List<String> added = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      int dice = random.nextInt(10);
      if (dice < 5) {
        queue.next(running);
      } else if (dice < 6 && !added.isEmpty()) {
        queue.remove(added.get(random.nextInt(added.size())));
      } else {
        QueuedRun run = randomRun(random, 12);
        queue.add(run);
        added.add(run.runId());
      }
    }
  }

  private QueuedRun randomRun(Random random, int projects) {
    // Skewed towards a few busy projects, like real traffic.
    int project = Math.min(random.nextInt(projects), random.nextInt(projects));
    Priority priority = Priority.values()[random.nextInt(Priority.values().length)];
    Instant queuedAt = clock.instant().minusSeconds(random.nextInt(35 * 60));
    return new QueuedRun("run-" + ids++, "p" + project, priority, queuedAt);
  }

  private static void assertIsPermutation(Map<String, Integer> positions, int size) {
    assertEquals(size, positions.size());
    TreeSet<Integer> values = new TreeSet<>(positions.values());
    assertEquals(size, values.size(), "no two runs share a position");
    if (size > 0) {
      assertEquals(0, values.first());
      assertEquals(size - 1, values.last());
    }
  }

  private static List<String> inPositionOrder(Map<String, Integer> positions) {
    String[] order = new String[positions.size()];
    positions.forEach((runId, position) -> order[position] = runId);
    return List.of(order);
  }
}
