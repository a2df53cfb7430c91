package dev.hookrun.gateway;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The live event streams watching runs of a {@link RunStateView}: each stream's hooks, called at
 * every change of its run and once when the run leaves the view. Its own class because the view
 * only reports changes and removals; who listens is the streams' business.
 */
final class RunWatchers {

  /** A live event stream's hooks: each change of its run, and the run leaving the view. */
  private record Watcher(Consumer<RunState> changed, Runnable gone) {}

  private final Map<String, List<Watcher>> watchers = new HashMap<>();

  /** Adds a watcher of {@code runId}; running the returned handle removes it. */
  Runnable watch(String runId, Consumer<RunState> changed, Runnable gone) {
    Watcher watcher = new Watcher(changed, gone);
    watchers.computeIfAbsent(runId, k -> new ArrayList<>()).add(watcher);
    return () -> {
      List<Watcher> list = watchers.get(runId);
      if (list != null && list.remove(watcher) && list.isEmpty()) {
        watchers.remove(runId);
      }
    };
  }

  void changed(RunState state) {
    List<Watcher> list = watchers.get(state.runId());
    if (list != null) {
      List.copyOf(list).forEach(w -> w.changed().accept(state));
    }
  }

  /** The run left the view: its watchers hear it once and are dropped. */
  void gone(String runId) {
    List<Watcher> watching = watchers.remove(runId);
    if (watching != null) {
      watching.forEach(w -> w.gone().run());
    }
  }
}
