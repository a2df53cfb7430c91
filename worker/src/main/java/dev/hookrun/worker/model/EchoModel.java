package dev.hookrun.worker.model;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * {@code echo-example}: returns {@code {"payload": "<payloadBytes characters>"}}, or the request's
 * {@code echo} value unchanged. It finishes at once, so it tests what happens to results of a given
 * size; it is also the smallest complete model to copy when writing one.
 */
public final class EchoModel implements Model {

  private final int maxBytes;

  /**
   * @param maxBytes the largest payload it makes (ECHO_MAX_BYTES): more fails the run before
   *     anything is built, whatever the gateway that took the request was set to
   */
  public EchoModel(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public ModelRun start(JsonObject input) {
    Object output;
    if (input.containsKey("payloadBytes")) {
      long bytes = input.getNumber("payloadBytes").longValue();
      if (bytes < 0 || bytes > maxBytes) {
        return ModelRun.of(
            Future.failedFuture(
                new IllegalArgumentException(
                    "payloadBytes "
                        + bytes
                        + " is over this worker's ECHO_MAX_BYTES of "
                        + maxBytes)),
            () -> {});
      }
      output = new JsonObject().put("payload", "x".repeat((int) bytes));
    } else {
      output = input.getValue("echo");
    }
    return ModelRun.of(
        Future.succeededFuture(output),
        () -> {
          // already finished: there is nothing to stop
        });
  }
}
