package dev.hookrun.gateway;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * Per project counts of a {@link RunStateView}: how many of its runs have not ended (what its quota
 * checks), and its finished runs oldest first (what the view's entry bound evicts from). Its own
 * class because both answer "whose runs are these", which the view's retention does not ask; the
 * view keeps it in step through {@link #track} and {@link #untrack}.
 */
final class ProjectRuns {

  private final Map<String, LinkedHashSet<String>> finishedByProject = new HashMap<>();
  private final Map<String, Integer> unfinishedByProject = new HashMap<>();

  int unfinished(String project) {
    return unfinishedByProject.getOrDefault(project, 0);
  }

  /**
   * The oldest finished run of the project with the most finished runs; null when none is finished.
   */
  String oldestFinishedOfLargest() {
    LinkedHashSet<String> largest = null;
    for (LinkedHashSet<String> finished : finishedByProject.values()) {
      if (largest == null || finished.size() > largest.size()) {
        largest = finished;
      }
    }
    if (largest == null || largest.isEmpty()) {
      return null;
    }
    return largest.iterator().next();
  }

  void track(RunState state) {
    if (state.status().isFinal()) {
      finishedByProject
          .computeIfAbsent(state.project(), p -> new LinkedHashSet<>())
          .add(state.runId());
    } else {
      unfinishedByProject.merge(state.project(), 1, Integer::sum);
    }
  }

  void untrack(RunState state) {
    if (state.status().isFinal()) {
      LinkedHashSet<String> finished = finishedByProject.get(state.project());
      if (finished != null) {
        finished.remove(state.runId());
        if (finished.isEmpty()) {
          finishedByProject.remove(state.project());
        }
      }
    } else {
      unfinishedByProject.merge(state.project(), -1, (a, b) -> a + b == 0 ? null : a + b);
    }
  }
}
