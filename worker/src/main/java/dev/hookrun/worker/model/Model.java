package dev.hookrun.worker.model;

import io.vertx.core.json.JsonObject;

/** A model the worker can run. Implementations must never block the calling event loop. */
public interface Model {

  /** Starts one run on {@code input} (already validated by the gateway against the app catalog). */
  ModelRun start(JsonObject input);

  /**
   * Starts one run that may report its progress while it runs. Models that report none need not
   * implement it.
   */
  default ModelRun start(JsonObject input, ProgressReporter progress) {
    return start(input);
  }
}
