package dev.hookrun.gateway.console;

import dev.hookrun.common.health.ReadinessCheck;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What the console reads from the gateway itself (the rest comes from the ops service): called on
 * the gateway's event loop, so each answer must be quick and must not block.
 */
public interface ConsoleSource {

  /**
   * Per project and app: queued (and per priority lane), running, the oldest queued run's age, as
   * the gateway's {@code GET …/queue} shows them.
   */
  JsonArray queues();

  /** Accepted, succeeded and failed runs per second over the last hour. */
  JsonObject rates();

  /**
   * The runs in this gateway's view that {@code query} matches, newest first: {@code {"runs":
   * [{run_id, project, app, status, priority, created_at, started_at, completed_at, webhook}],
   * "count"}}.
   */
  JsonObject runs(RunQuery query);

  /** One run as {@code GET …/runs/{id}} shows it (without result links), or null when unknown. */
  JsonObject run(String runId);

  /** The gateway's own readiness (broker reachable, topics present, …). */
  ReadinessCheck.Status readiness();
}
