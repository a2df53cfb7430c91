package dev.hookrun.worker.model;

import io.vertx.core.Future;

/** One run in progress: its eventual JSON output, and a way to stop it early. */
public interface ModelRun {

  /** Completes with the model's output (any JSON value), or fails with the model's error. */
  Future<Object> result();

  /** Stops the run; {@link #result()} then fails with a {@link RunCancelledException}. */
  void cancel();

  /** A run whose output is {@code result} and that {@code cancel} stops. */
  static ModelRun of(Future<Object> result, Runnable cancel) {
    return new ModelRun() {
      @Override
      public Future<Object> result() {
        return result;
      }

      @Override
      public void cancel() {
        cancel.run();
      }
    };
  }
}
