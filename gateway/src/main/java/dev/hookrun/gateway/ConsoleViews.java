package dev.hookrun.gateway;

import dev.hookrun.common.health.ReadinessCheck;
import dev.hookrun.common.run.Priority;
import dev.hookrun.gateway.console.ConsoleSource;
import dev.hookrun.gateway.console.RunQuery;
import dev.hookrun.gateway.console.RunRates;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The console's window on this gateway's run view: its queues as {@code GET …/queue} shows them and
 * its run rates. Created before the view is first read, so the rates also count the runs the view
 * re-reads on start.
 */
final class ConsoleViews implements ConsoleSource {

  private final RunStateView view;
  private final RunRates rates;
  private Supplier<ReadinessCheck> readiness = () -> null;

  ConsoleViews(RunStateView view, Clock clock) {
    this.view = view;
    this.rates = new RunRates(clock);
    view.onChange(rates::changed);
  }

  ConsoleViews readiness(Supplier<ReadinessCheck> readiness) {
    this.readiness = readiness;
    return this;
  }

  @Override
  public JsonArray queues() {
    JsonArray list = new JsonArray();
    for (String key : view.queues().apps()) {
      int slash = key.indexOf('/');
      String project = key.substring(0, slash);
      String app = key.substring(slash + 1);
      AppQueues.QueueStats stats = view.queues().queue(project, app);
      JsonObject lanes = new JsonObject();
      for (Priority lane : Priority.values()) {
        lanes.put(lane.wire(), stats.queuedByPriority()[lane.ordinal()]);
      }
      list.add(
          new JsonObject()
              .put("project", project)
              .put("app", app)
              .put("queued", stats.queued())
              .put("queued_by_priority", lanes)
              .put("running", stats.running())
              .put("oldest_queued_age_s", stats.oldestQueuedAgeSeconds()));
    }
    return list;
  }

  @Override
  public JsonObject runs(RunQuery query) {
    JsonArray list = new JsonArray();
    for (RunState state :
        view.newest(
            s -> query.matches(s.project(), s.app(), s.status(), s.createdAt()), query.limit())) {
      list.add(
          new JsonObject()
              .put("run_id", state.runId())
              .put("project", state.project())
              .put("app", state.app())
              .put("status", state.status().wire())
              .put("priority", state.priority() == null ? null : state.priority().wire())
              .put("created_at", time(state.createdAt()))
              .put("started_at", time(state.startedAt()))
              .put("completed_at", time(state.completedAt()))
              .put("webhook", state.webhook() == null ? null : state.webhook().status()));
    }
    return new JsonObject().put("count", list.size()).put("runs", list);
  }

  @Override
  public JsonObject run(String runId) {
    RunState state = view.get(runId);
    return state == null ? null : RunStatusJson.full(state, view);
  }

  private static String time(java.time.Instant at) {
    return at == null ? null : at.toString();
  }

  @Override
  public JsonObject rates() {
    return rates.lastHour();
  }

  @Override
  public ReadinessCheck.Status readiness() {
    ReadinessCheck check = readiness.get();
    return check == null ? new ReadinessCheck.Status(false, new JsonObject()) : check.status();
  }
}
