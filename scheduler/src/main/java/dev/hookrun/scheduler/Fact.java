package dev.hookrun.scheduler;

import dev.hookrun.common.run.WorkerHeartbeat;

/**
 * What one record of a followed topic says about a run or a worker, decoded on the follower's
 * thread so the scheduler's event loop only applies it. {@code at}: the record's timestamp (epoch
 * ms), which orders a run's facts across topics.
 */
sealed interface Fact {

  /** An outcome on the results topic: the run is over. */
  record Finished(String runId, long at) implements Fact {}

  /** A record on the work topic: the run was handed to the workers for the given attempt. */
  record Released(String runId, int attempt, long at) implements Fact {}

  /** A {@code running} record on the results topic: a worker started the run. */
  record Running(String runId, String workerId, long at) implements Fact {}

  /** A cancel command; {@code onlyIfQueued}: a queue purge, which leaves started runs alone. */
  record Cancelled(String runId, boolean onlyIfQueued, long at) implements Fact {}

  /** A worker's heartbeat on the workers topic. */
  record Heartbeat(WorkerHeartbeat heartbeat) implements Fact {}
}
