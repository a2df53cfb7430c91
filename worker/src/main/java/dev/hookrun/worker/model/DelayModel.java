package dev.hookrun.worker.model;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * The demo model: waits {@code delayMins} minutes and returns. The wait is a Vert.x timer, not a
 * sleeping thread, so one worker holds as many concurrent runs as it has memory for.
 */
public final class DelayModel implements Model {

  private final Vertx vertx;

  public DelayModel(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public ModelRun start(JsonObject input) {
    double delayMins = input.getNumber("delayMins").doubleValue();
    long delayMs = Math.round(delayMins * 60_000);
    long startNanos = System.nanoTime();
    Promise<Object> promise = Promise.promise();
    // setTimer needs at least 1 ms; a zero delay still goes through the event loop once.
    long timer = vertx.setTimer(Math.max(1, delayMs), id -> {
      long slept = (System.nanoTime() - startNanos) / 1_000_000;
      promise.tryComplete(new JsonObject()
          .put("delayMins", input.getValue("delayMins"))
          .put("slept_ms", slept)
          .put("message", "Slept for " + slept + " ms as requested."));
    });
    return new ModelRun() {
      @Override
      public Future<Object> result() {
        return promise.future();
      }

      @Override
      public void cancel() {
        vertx.cancelTimer(timer);
        promise.tryFail(new RunCancelledException());
      }
    };
  }
}
