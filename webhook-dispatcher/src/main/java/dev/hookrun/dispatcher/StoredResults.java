package dev.hookrun.dispatcher;

import dev.hookrun.common.run.RunResult;
import dev.hookrun.results.ResultStore;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a run's stored result, and so the {@code result_url} of its webhook, while the webhook is
 * being delivered: before each attempt and once the delivery is settled (delivered or
 * dead-lettered) the result's age in the store is renewed, and the gateways' sweep deletes only
 * what is RUN_RETENTION past its last renewal. A retry hours later, or an operator's replay within
 * RUN_RETENTION of the dead letter, still finds the result its link names.
 *
 * <p>Store calls block, so they run on a worker pool of their own, never on the dispatcher's
 * context. Best effort: a store that fails is logged and counted, and the attempt goes on (a store
 * briefly out of reach must not hold webhooks back); only a store that answers that the result is
 * gone stops the attempt.
 */
final class StoredResults {

  private static final Logger LOG = LoggerFactory.getLogger(StoredResults.class);

  /** What renewing found. */
  enum Presence {
    /** Renewed, or the run has no stored result. */
    KEPT,
    /** The store no longer has it: a link to it would answer 404. */
    GONE,
    /** The store could not be asked; the result is probably there. */
    UNKNOWN
  }

  private final ResultStore store;
  private final WorkerExecutor pool;
  private final DispatcherMetrics metrics;

  StoredResults(ResultStore store, WorkerExecutor pool, DispatcherMetrics metrics) {
    this.store = store;
    this.pool = pool;
    this.metrics = metrics;
  }

  /** Renews the run's stored result, if it has one; never fails. */
  Future<Presence> renew(RunResult result) {
    if (result.stored() == null) {
      return Future.succeededFuture(Presence.KEPT);
    }
    String key = result.stored().key();
    return pool.executeBlocking(() -> store.touch(key), false)
        .transform(
            done -> {
              if (done.failed()) {
                metrics.countResultRenewal("failed");
                LOG.warn(
                    "run {}: renewing its stored result {} failed, so RUN_RETENTION still counts "
                        + "from its last renewal: {}",
                    result.runId(),
                    key,
                    done.cause().toString());
                return Future.succeededFuture(Presence.UNKNOWN);
              }
              if (!done.result()) {
                metrics.countResultRenewal("gone");
                return Future.succeededFuture(Presence.GONE);
              }
              metrics.countResultRenewal("renewed");
              return Future.succeededFuture(Presence.KEPT);
            });
  }
}
