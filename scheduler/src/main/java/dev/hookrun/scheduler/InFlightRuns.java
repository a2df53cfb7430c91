package dev.hookrun.scheduler;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The runs a {@link Scheduler} has handed to the workers and not yet seen end, and how many of them
 * each project has: the fair queue reads the latter to pick the next project. Its own class because
 * both counts change together and nothing else of the scheduler's state is in them.
 */
final class InFlightRuns {

  private final Set<String> inFlight = new LinkedHashSet<>();
  private final Map<String, Integer> runningByProject = new HashMap<>();

  void add(String runId, String project) {
    inFlight.add(runId);
    runningByProject.merge(project, 1, Integer::sum);
  }

  void remove(String runId, String project) {
    inFlight.remove(runId);
    runningByProject.computeIfPresent(project, (p, n) -> n <= 1 ? null : n - 1);
  }

  int size() {
    return inFlight.size();
  }

  /** A copy, in the order they were released: the caller may release some again meanwhile. */
  List<String> runIds() {
    return List.copyOf(inFlight);
  }

  /** Runs in flight by project (the live map: the fair queue reads it as it picks). */
  Map<String, Integer> byProject() {
    return runningByProject;
  }
}
