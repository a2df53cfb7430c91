package dev.hookrun.worker.model;

import io.vertx.core.json.JsonObject;

/**
 * How a running model tells the platform how far it got. Call it as often as is convenient: the
 * worker keeps the newest report and publishes at most one per PROGRESS_MIN_INTERVAL, which shows
 * in the run's status, its live event stream and (if asked for) a {@code progress} webhook.
 */
@FunctionalInterface
public interface ProgressReporter {

  ProgressReporter IGNORE = progress -> {};

  /**
   * Reports progress as any JSON object, e.g. {@code {"percent": 40}}. Call it on the run's event
   * loop.
   */
  void report(JsonObject progress);
}
