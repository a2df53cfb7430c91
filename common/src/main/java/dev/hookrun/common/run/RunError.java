package dev.hookrun.common.run;

import io.vertx.core.json.JsonObject;

/** Why a run did not succeed, as the user sees it: a stable code and a sentence. */
public record RunError(String code, String message) {

  /** A queued run whose time-to-live passed before anyone started it. */
  public static final RunError EXPIRED_IN_QUEUE =
      new RunError(
          "expired",
          "The run waited in the queue longer than its time-to-live and was not started.");

  /**
   * A run handed out {@code handedOut} times, each time to a worker that stopped before its end.
   */
  public static RunError workerLost(int handedOut) {
    return new RunError(
        "worker_lost",
        "The run was handed to a worker "
            + handedOut
            + " times and each worker stopped before it ended (crashed, killed or lost);"
            + " it is not run again.");
  }

  public JsonObject toJson() {
    return new JsonObject().put("code", code).put("message", message);
  }

  public static RunError fromJson(JsonObject json) {
    return json == null ? null : new RunError(json.getString("code"), json.getString("message"));
  }
}
