package dev.hookrun.common.scheduling;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * Decides which queued run starts when a worker slot frees up.
 *
 * <ul>
 *   <li>More urgent levels first: {@code HIGH} before {@code NORMAL} before {@code LOW}. A run is
 *       served one level higher for every full {@link SchedulingPolicy#aging()} it has waited (up
 *       to {@code HIGH}), so nothing starves.
 *   <li>Among projects with runs at the most urgent level, starts are shared by weight (stride
 *       scheduling, see {@link ServingOrder}). An idle project's share goes to the others, and a
 *       project coming back gets no burst of saved-up starts.
 *   <li>Within a project and level, runs start in the order they were added.
 *   <li>A project at its {@link SchedulingPolicy#maxRunning(String) cap} is skipped; its runs stay
 *       queued.
 * </ul>
 *
 * <p>Not thread-safe: one owner (an event loop, a scheduler thread) calls it.
 */
public final class FairQueue {

  /** The stride of weight 1 when the weights' least common multiple is too large to use exactly. */
  private static final long ROUNDED_UNIT = 1L << 40;

  /** Passes only matter relative to each other; past this they are all moved back to near 0. */
  private static final long REBASE_AT = 1L << 61;

  private final SchedulingPolicy policy;
  private final Clock clock;
  private final long strideUnit;
  private final long rebaseAt;

  /** Every project seen and not yet forgotten, idle ones too: their pass must outlive the idle. */
  private final Map<String, ProjectQueue> projects = new HashMap<>();

  /** Projects with queued runs, the only ones a pick has to look at. */
  private final Map<String, ProjectQueue> active = new LinkedHashMap<>();

  private final Map<String, Ticket> tickets = new HashMap<>();
  private long nextSeq;
  private long virtualTime;
  private int forgetIdleAt = 1024;

  public FairQueue(SchedulingPolicy policy, Clock clock) {
    this(policy, clock, REBASE_AT);
  }

  FairQueue(SchedulingPolicy policy, Clock clock, long rebaseAt) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.strideUnit = strideUnit(policy);
    this.rebaseAt = rebaseAt;
  }

  /** Queues the run; false (and nothing changes) if a run with its id is already queued. */
  public boolean add(QueuedRun run) {
    Objects.requireNonNull(run, "run");
    if (tickets.containsKey(run.runId())) {
      return false;
    }
    Ticket ticket = new Ticket(run, nextSeq++);
    tickets.put(run.runId(), ticket);
    ProjectQueue project = projects.computeIfAbsent(run.project(), this::newProject);
    project.add(ticket);
    active.putIfAbsent(run.project(), project);
    return true;
  }

  /** Takes a cancelled or expired run out of the queue; false if it was not queued. */
  public boolean remove(String runId) {
    Ticket ticket = tickets.get(runId);
    if (ticket == null) {
      return false;
    }
    dequeue(ticket);
    return true;
  }

  /**
   * Removes and returns the run to start now, or empty when nothing is queued or every project with
   * queued runs is at its cap.
   *
   * @param runningByProject how many runs each project has running now (absent = 0); not changed,
   *     so the caller counts the returned run itself
   */
  public Optional<QueuedRun> next(Map<String, Integer> runningByProject) {
    ServingOrder order = servingOrder(runningByProject);
    ServingOrder.Cursor winner = order.pick(true);
    if (winner == null) {
      return Optional.empty();
    }
    Ticket started = order.start(winner);
    winner.project.pass = winner.pass;
    virtualTime = order.virtualTime();
    dequeue(started);
    if (virtualTime > rebaseAt) {
      rebase();
    }
    return Optional.of(started.run());
  }

  public int size() {
    return tickets.size();
  }

  /** How many runs the project has queued. */
  public int queued(String project) {
    ProjectQueue queue = active.get(project);
    return queue == null ? 0 : queue.size();
  }

  public boolean contains(String runId) {
    return tickets.containsKey(runId);
  }

  /**
   * For every queued run, how many queued runs will start before it (0 = next), found by taking
   * {@link #next} step by step on a read-only walk of the queue; the queue itself is not changed.
   *
   * <p>The walk assumes no time passes and nothing arrives or finishes meanwhile, so it is an
   * estimate to refresh, not a promise. Caps: each project gets as many starts as it has free slots
   * ({@code maxRunning} minus running); its remaining runs are placed after every other project's
   * runs, in their own fair order, because when they can start depends on when its running runs
   * finish, which the queue cannot know.
   *
   * <p>Takes O(runs × projects with queued runs) time.
   */
  public Map<String, Integer> positions(Map<String, Integer> runningByProject) {
    Map<String, Integer> positions = new HashMap<>(tickets.size() * 4 / 3 + 1);
    walk(
        runningByProject,
        runId -> {
          positions.put(runId, positions.size());
          return false;
        });
    return positions;
  }

  /**
   * The run's entry of {@link #positions}, or empty if it is not queued; walks only as far as the
   * run.
   */
  public OptionalInt positionOf(String runId, Map<String, Integer> runningByProject) {
    if (!tickets.containsKey(runId)) {
      return OptionalInt.empty();
    }
    int[] before = {0};
    walk(
        runningByProject,
        started -> {
          if (started.equals(runId)) {
            return true;
          }
          before[0]++;
          return false;
        });
    return OptionalInt.of(before[0]);
  }

  /** Hands each queued run's id to {@code stopAt} in start order until it returns true. */
  private void walk(Map<String, Integer> runningByProject, Predicate<String> stopAt) {
    ServingOrder order = servingOrder(runningByProject);
    boolean capsApply = true;
    for (int left = tickets.size(); left > 0; ) {
      ServingOrder.Cursor winner = order.pick(capsApply);
      if (winner == null) {
        if (!capsApply) {
          throw new IllegalStateException(left + " queued runs unreachable");
        }
        capsApply = false; // only capped projects have runs left: they go last
        continue;
      }
      left--;
      if (stopAt.test(order.start(winner).run().runId())) {
        return;
      }
    }
  }

  private ServingOrder servingOrder(Map<String, Integer> runningByProject) {
    Objects.requireNonNull(runningByProject, "runningByProject");
    return new ServingOrder(
        active.values(), runningByProject, Levels.at(clock.instant(), policy.aging()), virtualTime);
  }

  private void dequeue(Ticket ticket) {
    tickets.remove(ticket.run().runId());
    ProjectQueue project = active.get(ticket.run().project());
    project.remove(ticket);
    if (project.size() == 0) {
      active.remove(project.name);
      forgetIdleProjects();
    }
  }

  /**
   * An idle project whose pass is at or below the virtual time would be lifted to it on return
   * anyway, so forgetting it loses nothing; this keeps many short-lived projects from piling up.
   * Sweeps only when the count has doubled, so the cost per call stays constant on average.
   */
  private void forgetIdleProjects() {
    if (projects.size() < forgetIdleAt) {
      return;
    }
    projects.values().removeIf(p -> p.size() == 0 && p.pass <= virtualTime);
    forgetIdleAt = Math.max(1024, projects.size() * 2);
  }

  private void rebase() {
    for (ProjectQueue project : projects.values()) {
      project.pass = Math.max(0, project.pass - virtualTime);
    }
    virtualTime = 0;
  }

  private ProjectQueue newProject(String name) {
    int weight = policy.weight(name);
    long stride =
        strideUnit % weight == 0
            ? strideUnit / weight
            : Math.max(1, Math.round((double) strideUnit / weight));
    return new ProjectQueue(name, stride, policy.maxRunning(name));
  }

  /**
   * The least common multiple of the weights in use, so every stride is a whole number and shares
   * come out exact; if that is unreasonably large, a fixed unit with strides rounded to within a
   * millionth or so.
   */
  private static long strideUnit(SchedulingPolicy policy) {
    long unit = policy.defaultWeight();
    for (int weight : policy.weights().values()) {
      unit = unit / gcd(unit, weight) * weight;
      if (unit > ROUNDED_UNIT) {
        return ROUNDED_UNIT;
      }
    }
    return unit;
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
