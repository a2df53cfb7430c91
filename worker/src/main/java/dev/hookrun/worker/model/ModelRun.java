package dev.hookrun.worker.model;

import io.vertx.core.Future;

/** One run in progress: its eventual JSON output, and a way to stop it early. */
public interface ModelRun {

  /** Completes with the model's output (any JSON value), or fails with the model's error. */
  Future<Object> result();

  /** Stops the run; {@link #result()} then fails with a {@link RunCancelledException}. */
  void cancel();
}
