package dev.hookrun.worker.model;

import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * The demo model: waits {@code delayMins} minutes and returns. The wait is a Vert.x timer, not a
 * sleeping thread, so one worker holds as many concurrent runs as it has memory for. With {@code
 * progressEverySeconds} it reports {@code {"percent", "slept_ms"}} that often.
 */
public final class DelayModel implements Model {

  private final Vertx vertx;

  public DelayModel(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public ModelRun start(JsonObject input) {
    return start(input, ProgressReporter.IGNORE);
  }

  @Override
  public ModelRun start(JsonObject input, ProgressReporter progress) {
    double delayMins = input.getNumber("delayMins").doubleValue();
    long delayMs = Math.round(delayMins * 60_000);
    long startNanos = System.nanoTime();
    Promise<Object> promise = Promise.promise();
    Number every = input.getNumber("progressEverySeconds");
    long reports =
        every == null || every.doubleValue() <= 0
            ? -1
            : vertx.setPeriodic(
                Math.max(1, Math.round(every.doubleValue() * 1000)),
                id -> {
                  long slept = (System.nanoTime() - startNanos) / 1_000_000;
                  progress.report(
                      new JsonObject()
                          .put(
                              "percent",
                              delayMs == 0
                                  ? 100
                                  : Math.min(100, Math.round(100.0 * slept / delayMs)))
                          .put("slept_ms", slept));
                });
    Handler<Long> wake =
        id -> {
          vertx.cancelTimer(reports);
          long slept = (System.nanoTime() - startNanos) / 1_000_000;
          promise.tryComplete(
              new JsonObject()
                  .put("delayMins", input.getValue("delayMins"))
                  .put("slept_ms", slept)
                  .put("message", "Slept for " + slept + " ms as requested."));
        };
    // A zero delay ends on the next turn of the event loop, not after a timer's shortest 1 ms:
    // that millisecond was a quarter of such a run's end-to-end time.
    long timer = delayMs > 0 ? vertx.setTimer(delayMs, wake) : -1;
    if (delayMs == 0) {
      vertx.getOrCreateContext().runOnContext(v -> wake.handle(-1L));
    }
    return ModelRun.of(
        promise.future(),
        () -> {
          vertx.cancelTimer(timer);
          vertx.cancelTimer(reports);
          promise.tryFail(new RunCancelledException());
        });
  }
}
