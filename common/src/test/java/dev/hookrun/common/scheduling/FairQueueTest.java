package dev.hookrun.common.scheduling;

import static dev.hookrun.common.run.Priority.HIGH;
import static dev.hookrun.common.run.Priority.LOW;
import static dev.hookrun.common.run.Priority.NORMAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.run.Priority;
import dev.hookrun.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FairQueueTest {

  private static final Map<String, Integer> NONE_RUNNING = Map.of();

  private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));
  private int ids;

  @Test
  void highStartsBeforeNormalAndNormalBeforeLow() {
    FairQueue queue = queue(SchedulingPolicy.unlimited());
    QueuedRun low = add(queue, "p1", LOW);
    QueuedRun normal = add(queue, "p2", NORMAL);
    QueuedRun high = add(queue, "p1", HIGH);
    assertEquals(List.of(high, normal, low), drain(queue));
  }

  @Test
  void aLowRunWaitingOneAgingIsServedAsNormal() {
    FairQueue queue = queue(SchedulingPolicy.unlimited());
    QueuedRun low = add(queue, "p1", LOW);
    clock.advance(Duration.ofMinutes(10).minusSeconds(1));
    QueuedRun normal = add(queue, "p2", NORMAL);
    assertEquals(normal, queue.next(NONE_RUNNING).orElseThrow(), "not yet aged");
    QueuedRun laterNormal = add(queue, "p2", NORMAL);
    clock.advance(Duration.ofSeconds(1));
    assertEquals(low, queue.next(NONE_RUNNING).orElseThrow(), "aged to normal, and added first");
    assertEquals(laterNormal, queue.next(NONE_RUNNING).orElseThrow());
  }

  @Test
  void aLowRunWaitingTwoAgingsIsServedAsHigh() {
    FairQueue queue = queue(SchedulingPolicy.unlimited());
    QueuedRun low = add(queue, "p1", LOW);
    clock.advance(Duration.ofMinutes(15));
    QueuedRun normal = add(queue, "p2", NORMAL);
    clock.advance(Duration.ofMinutes(5));
    QueuedRun high = add(queue, "p3", HIGH);
    assertEquals(List.of(low, high, normal), drain(queue));
  }

  @Test
  void withZeroAgingALowRunWaitsBehindEveryNormal() {
    FairQueue queue = queue(policy(Map.of(), 1, Map.of(), Duration.ZERO));
    QueuedRun low = add(queue, "p1", LOW);
    clock.advance(Duration.ofDays(1));
    QueuedRun normal = add(queue, "p2", NORMAL);
    assertEquals(List.of(normal, low), drain(queue));
  }

  @Test
  void weightsThreeToOneGiveThirtyAndTenStartsOfForty() {
    FairQueue queue = queue(policy(Map.of("p1", 3, "p2", 1), 1, Map.of(), Duration.ZERO));
    addMany(queue, "p1", NORMAL, 100);
    addMany(queue, "p2", NORMAL, 100);
    Map<String, Integer> starts = countByProject(startProjects(queue, 40));
    assertWithinOne(30, starts.get("p1"));
    assertWithinOne(10, starts.get("p2"));
  }

  @Test
  void projectsWithoutAWeightShareEqually() {
    FairQueue queue = queue(SchedulingPolicy.unlimited());
    for (String project : List.of("a", "b", "c")) {
      addMany(queue, project, NORMAL, 50);
    }
    assertEquals(Map.of("a", 10, "b", 10, "c", 10), countByProject(startProjects(queue, 30)));
  }

  @Test
  void theDefaultWeightAppliesToProjectsNotListed() {
    FairQueue queue = queue(policy(Map.of("small", 1), 2, Map.of(), Duration.ZERO));
    addMany(queue, "small", NORMAL, 50);
    addMany(queue, "other", NORMAL, 50);
    Map<String, Integer> starts = countByProject(startProjects(queue, 30));
    assertWithinOne(10, starts.get("small"));
    assertWithinOne(20, starts.get("other"));
  }

  @Test
  void aProjectAloneGetsEveryStartWhateverItsWeight() {
    FairQueue queue = queue(policy(Map.of("light", 1, "heavy", 100), 1, Map.of(), Duration.ZERO));
    addMany(queue, "light", NORMAL, 20);
    assertEquals(Collections.nCopies(20, "light"), startProjects(queue, 20));
    assertTrue(queue.next(NONE_RUNNING).isEmpty());
  }

  @Test
  void aProjectThatWasIdleGetsNoBurstWhenItComesBack() {
    FairQueue queue = queue(SchedulingPolicy.unlimited());
    addMany(queue, "a", NORMAL, 300);
    addMany(queue, "b", NORMAL, 2);
    startProjects(queue, 4); // b runs dry: it has started 2 of 4
    assertEquals(Collections.nCopies(100, "a"), startProjects(queue, 100));

    addMany(queue, "b", NORMAL, 100);
    List<String> after = startProjects(queue, 40);
    assertEquals(Map.of("a", 20, "b", 20), countByProject(after));
    assertTrue(longestStreak(after, "b") <= 1, after.toString());
  }

  @Test
  void aNewProjectGetsNoBurstEither() {
    FairQueue queue = queue(SchedulingPolicy.unlimited());
    addMany(queue, "a", NORMAL, 300);
    startProjects(queue, 100);
    addMany(queue, "new", NORMAL, 100);
    List<String> after = startProjects(queue, 40);
    assertEquals(Map.of("a", 20, "new", 20), countByProject(after));
    assertTrue(longestStreak(after, "new") <= 1, after.toString());
  }

  @Test
  void aProjectOutrankedForAWhileGetsNoBurstAtItsOwnLevel() {
    FairQueue queue = queue(policy(Map.of(), 1, Map.of(), Duration.ZERO));
    addMany(queue, "b", LOW, 100);
    addMany(queue, "a", NORMAL, 100);
    addMany(queue, "a", LOW, 100);
    assertEquals(Collections.nCopies(100, "a"), startProjects(queue, 100));
    List<String> lows = startProjects(queue, 40);
    assertEquals(Map.of("a", 20, "b", 20), countByProject(lows));
    assertTrue(longestStreak(lows, "b") <= 1, lows.toString());
  }

  @Test
  void aProjectHeldAtItsCapGetsNoBurstWhenASlotFrees() {
    FairQueue queue = queue(policy(Map.of(), 1, Map.of("a", 1), Duration.ZERO));
    addMany(queue, "a", NORMAL, 100);
    addMany(queue, "b", NORMAL, 200);
    Map<String, Integer> aAtCap = Map.of("a", 1);
    for (int i = 0; i < 100; i++) {
      assertEquals("b", queue.next(aAtCap).orElseThrow().project());
    }
    List<String> after = startProjects(queue, 40);
    assertEquals(Map.of("a", 20, "b", 20), countByProject(after));
    assertTrue(longestStreak(after, "a") <= 1, after.toString());
  }

  @Test
  void thousandsOfShortLivedProjectsLeaveTheSharesOfTheOthersAlone() {
    FairQueue queue = queue(SchedulingPolicy.unlimited());
    addMany(queue, "a", NORMAL, 10_000);
    addMany(queue, "b", NORMAL, 1);
    startProjects(queue, 2);
    for (int i = 0; i < 5_000; i++) {
      add(queue, "once-" + i, NORMAL);
      startProjects(queue, 2);
    }
    assertEquals(10_000 - 1 - 5_000, queue.queued("a"));
    addMany(queue, "b", NORMAL, 100);
    List<String> after = startProjects(queue, 40);
    assertEquals(Map.of("a", 20, "b", 20), countByProject(after));
    assertTrue(longestStreak(after, "b") <= 1, after.toString());
  }

  @Test
  void aProjectAtItsCapIsSkippedAndOthersAreServed() {
    FairQueue queue = queue(policy(Map.of(), 1, Map.of("p1", 2), Duration.ZERO));
    QueuedRun capped = add(queue, "p1", HIGH);
    QueuedRun other = add(queue, "p2", LOW);
    assertEquals(other, queue.next(Map.of("p1", 2)).orElseThrow());
    assertTrue(queue.contains(capped.runId()), "a capped project's runs stay queued");
    assertEquals(capped, queue.next(Map.of("p1", 1)).orElseThrow());
  }

  @Test
  void nothingStartsWhenEveryProjectWithQueuedRunsIsAtItsCap() {
    FairQueue queue = queue(policy(Map.of(), 1, Map.of("p1", 1), Duration.ZERO, 3));
    add(queue, "p1", NORMAL);
    add(queue, "p2", NORMAL);
    assertEquals(Optional.empty(), queue.next(Map.of("p1", 1, "p2", 3)));
    assertEquals(2, queue.size());
    assertEquals("p2", queue.next(Map.of("p1", 1, "p2", 2)).orElseThrow().project());
  }

  @Test
  void runsOfOneProjectAndLevelStartInTheOrderAdded() {
    FairQueue queue = queue(SchedulingPolicy.unlimited());
    List<QueuedRun> added = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      added.add(add(queue, "p1", NORMAL));
    }
    assertEquals(added, drain(queue));
  }

  @Test
  void aRunAgedIntoALevelStartsBeforeThoseAddedToItLater() {
    FairQueue queue = queue(SchedulingPolicy.unlimited());
    QueuedRun low = add(queue, "p1", LOW);
    clock.advance(Duration.ofMinutes(10));
    QueuedRun normal = add(queue, "p1", NORMAL);
    assertEquals(List.of(low, normal), drain(queue));
  }

  @Test
  void aLaterAddedRunNeverOvertakesAnEarlierOneOfItsProjectAndPriority() {
    // Clocks of different gateways may disagree: the order of adding decides, not queuedAt.
    FairQueue queue = queue(SchedulingPolicy.unlimited());
    QueuedRun first = add(queue, new QueuedRun("first", "p1", LOW, clock.instant()));
    QueuedRun older =
        add(queue, new QueuedRun("older", "p1", LOW, clock.instant().minusSeconds(3600)));
    assertEquals(List.of(first, older), drain(queue));
  }

  @Test
  void addingARunTwiceQueuesItOnce() {
    FairQueue queue = queue(SchedulingPolicy.unlimited());
    QueuedRun run = run("p1", NORMAL);
    assertTrue(queue.add(run));
    assertFalse(queue.add(run));
    assertFalse(queue.add(new QueuedRun(run.runId(), "p2", HIGH, clock.instant())));
    assertEquals(1, queue.size());
    assertEquals(1, queue.queued("p1"));
    assertEquals(0, queue.queued("p2"));
    assertEquals(List.of(run), drain(queue));
  }

  @Test
  void aRemovedRunNeverStarts() {
    FairQueue queue = queue(SchedulingPolicy.unlimited());
    QueuedRun kept = add(queue, "p1", NORMAL);
    QueuedRun cancelled = add(queue, "p1", HIGH);
    QueuedRun last = add(queue, "p2", LOW);

    assertTrue(queue.remove(cancelled.runId()));
    assertFalse(queue.contains(cancelled.runId()));
    assertFalse(queue.remove(cancelled.runId()), "already gone");
    assertFalse(queue.remove("never-queued"));
    assertTrue(queue.remove(last.runId()));
    assertEquals(0, queue.queued("p2"));
    assertEquals(1, queue.size());
    assertEquals(List.of(kept), drain(queue));
    assertFalse(queue.remove(kept.runId()), "started runs are no longer queued");
  }

  @Test
  void sizeQueuedAndContainsFollowAddsAndStarts() {
    FairQueue queue = queue(SchedulingPolicy.unlimited());
    QueuedRun a = add(queue, "p1", NORMAL);
    add(queue, "p1", NORMAL);
    add(queue, "p2", NORMAL);
    assertEquals(3, queue.size());
    assertEquals(2, queue.queued("p1"));
    assertTrue(queue.contains(a.runId()));
    assertEquals(a, queue.next(NONE_RUNNING).orElseThrow());
    assertFalse(queue.contains(a.runId()));
    assertEquals(1, queue.queued("p1"));
    assertEquals(2, queue.size());
  }

  @Test
  void sharesStayExactAcrossARebaseOfThePasses() {
    SchedulingPolicy policy = policy(Map.of("p1", 3, "p2", 1), 1, Map.of(), Duration.ZERO);
    FairQueue queue = new FairQueue(policy, clock, 10);
    addMany(queue, "p1", NORMAL, 1000);
    addMany(queue, "p2", NORMAL, 1000);
    for (int round = 0; round < 20; round++) {
      Map<String, Integer> starts = countByProject(startProjects(queue, 40));
      assertWithinOne(30, starts.get("p1"));
      assertWithinOne(10, starts.get("p2"));
    }
  }

  private FairQueue queue(SchedulingPolicy policy) {
    return new FairQueue(policy, clock);
  }

  static SchedulingPolicy policy(
      Map<String, Integer> weights,
      int defaultWeight,
      Map<String, Integer> maxRunning,
      Duration aging) {
    return policy(weights, defaultWeight, maxRunning, aging, Integer.MAX_VALUE);
  }

  static SchedulingPolicy policy(
      Map<String, Integer> weights,
      int defaultWeight,
      Map<String, Integer> maxRunning,
      Duration aging,
      int defaultMaxRunning) {
    return new SchedulingPolicy(weights, defaultWeight, maxRunning, defaultMaxRunning, aging);
  }

  private QueuedRun run(String project, Priority priority) {
    return new QueuedRun("run-" + ids++, project, priority, clock.instant());
  }

  private QueuedRun add(FairQueue queue, String project, Priority priority) {
    return add(queue, run(project, priority));
  }

  private static QueuedRun add(FairQueue queue, QueuedRun run) {
    assertTrue(queue.add(run));
    return run;
  }

  private void addMany(FairQueue queue, String project, Priority priority, int count) {
    for (int i = 0; i < count; i++) {
      add(queue, project, priority);
    }
  }

  private static List<QueuedRun> drain(FairQueue queue) {
    List<QueuedRun> started = new ArrayList<>();
    for (Optional<QueuedRun> run = queue.next(NONE_RUNNING);
        run.isPresent();
        run = queue.next(NONE_RUNNING)) {
      started.add(run.get());
    }
    assertEquals(0, queue.size());
    return started;
  }

  private static List<String> startProjects(FairQueue queue, int count) {
    List<String> projects = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      projects.add(queue.next(NONE_RUNNING).orElseThrow().project());
    }
    return projects;
  }

  private static Map<String, Integer> countByProject(List<String> projects) {
    Map<String, Integer> counts = new HashMap<>();
    projects.forEach(project -> counts.merge(project, 1, Integer::sum));
    return counts;
  }

  private static int longestStreak(List<String> projects, String project) {
    int longest = 0;
    int streak = 0;
    for (String started : projects) {
      streak = started.equals(project) ? streak + 1 : 0;
      longest = Math.max(longest, streak);
    }
    return longest;
  }

  private static void assertWithinOne(int expected, Integer actual) {
    assertTrue(
        actual != null && Math.abs(expected - actual) <= 1,
        "expected " + expected + " ± 1, was " + actual);
  }
}
