package dev.hookrun.worker.model;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * {@code echo-example}: returns {@code {"payload": "<payloadBytes characters>"}}, or the request's
 * {@code echo} value unchanged. It finishes at once, so it tests what happens to results of a given
 * size; it is also the smallest complete model to copy when writing one.
 */
public final class EchoModel implements Model {

  @Override
  public ModelRun start(JsonObject input) {
    Object output;
    if (input.containsKey("payloadBytes")) {
      int bytes = input.getNumber("payloadBytes").intValue();
      output = new JsonObject().put("payload", "x".repeat(bytes));
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
