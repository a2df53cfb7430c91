package dev.hookrun.worker;

import dev.hookrun.common.run.RunError;
import dev.hookrun.common.run.RunRequest;
import java.time.Duration;

/**
 * How long a run may take on this worker, and what its caller reads when it took longer: the
 * request's own execution timeout when it is stricter than the worker's MAX_RUN_TIME, else
 * MAX_RUN_TIME. Its own class so that the limit and the error that names it follow one rule.
 */
final class RunTimeLimit {

  private RunTimeLimit() {}

  /** The request's own limit when it is stricter than the worker's MAX_RUN_TIME. */
  static Duration of(RunRequest request, Duration maxRunTime) {
    Duration asked = request.executionTimeout();
    return asked != null && asked.compareTo(maxRunTime) < 0 ? asked : maxRunTime;
  }

  /** The error of a run stopped at its limit, naming the limit it exceeded. */
  static RunError exceeded(RunRequest request, Duration maxRunTime) {
    return new RunError(
        "timeout",
        request.executionTimeout() != null && request.executionTimeout().compareTo(maxRunTime) < 0
            ? "The run exceeded its execution_timeout_seconds of "
                + request.executionTimeout().toMillis() / 1000.0
                + " s."
            : "The run exceeded the maximum run time of " + maxRunTime + ".");
  }
}
