package dev.hookrun.gateway;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link RunStateView} knows of a run beside its state: the newest progress its model
 * reported, and the retry links (new run → the run it retries, and back). Its own class because
 * these facts arrive on their own topics, possibly before their run, and so outlive runs the view
 * never holds until {@link #dropOrphans} clears them.
 */
final class RunNotes {

  private final Map<String, RunStateView.Progress> progress = new HashMap<>();

  /** Retries: new run → the run it retries, and back. */
  private final Map<String, String> retryOf = new HashMap<>();

  private final Map<String, String> retriedAs = new HashMap<>();

  /** Keeps a newer report (higher number); false when the one kept is as new or newer. */
  boolean progress(String runId, RunStateView.Progress report) {
    RunStateView.Progress current = progress.get(runId);
    if (current == null || report.seq() > current.seq()) {
      progress.put(runId, report);
      return true;
    }
    return false;
  }

  void retried(String oldRunId, String newRunId) {
    retryOf.put(newRunId, oldRunId);
    retriedAs.put(oldRunId, newRunId);
  }

  String retryOf(String runId) {
    return retryOf.get(runId);
  }

  String retriedAs(String runId) {
    return retriedAs.get(runId);
  }

  RunStateView.Progress progressOf(String runId) {
    return progress.get(runId);
  }

  /** Drops what is kept of runs not in {@code held}. */
  void dropOrphans(Set<String> held) {
    progress.keySet().removeIf(runId -> !held.contains(runId));
    retryOf.keySet().removeIf(runId -> !held.contains(runId));
    retriedAs.keySet().removeIf(runId -> !held.contains(runId));
  }

  void remove(String runId) {
    progress.remove(runId);
    retryOf.remove(runId);
    retriedAs.remove(runId);
  }
}
