package dev.hookrun.common.scheduling;

import dev.hookrun.common.run.Priority;
import java.time.Instant;
import java.util.Objects;

/**
 * A run waiting for a worker slot: what {@link FairQueue} needs to order it. {@code queuedAt} is
 * when the run was accepted; its wait, and so its aging, is counted from there.
 */
public record QueuedRun(String runId, String project, Priority priority, Instant queuedAt) {

  public QueuedRun {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(queuedAt, "queuedAt");
  }
}
