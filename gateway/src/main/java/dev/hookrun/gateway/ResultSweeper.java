package dev.hookrun.gateway;

import dev.hookrun.results.ResultStore;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes stored results last modified more than RUN_RETENTION ago: the run has left the view (its
 * status is gone, so nobody can be handed a new link), and the dispatchers renew a result while its
 * webhook is delivered, so a result modified that long ago has no delivery that still needs it.
 * Every gateway sweeps; deleting twice is harmless. For S3 a bucket lifecycle rule does the same
 * without listing the bucket; this sweep is the fallback.
 */
final class ResultSweeper {

  private static final Logger LOG = LoggerFactory.getLogger(ResultSweeper.class);

  private final Vertx vertx;
  private final ResultStore store;
  private final Duration retention;
  private final Clock clock;
  private long timer = -1;
  private boolean sweeping;

  ResultSweeper(Vertx vertx, ResultStore store, Duration retention, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.retention = retention;
    this.clock = clock;
  }

  /** Sweeps a few times per retention period, at most every 10 minutes. */
  void start() {
    long every =
        Math.max(1_000, Math.min(Duration.ofMinutes(10).toMillis(), retention.toMillis() / 4));
    timer = vertx.setPeriodic(every, t -> sweep());
  }

  void sweep() {
    if (sweeping) {
      return; // a slow listing must not pile up
    }
    sweeping = true;
    vertx
        .executeBlocking(() -> store.deleteOlderThan(clock.instant().minus(retention)), false)
        .onComplete(
            done -> {
              sweeping = false;
              if (done.failed()) {
                LOG.warn(
                    "deleting stored results past RUN_RETENTION failed: {}",
                    done.cause().toString());
              } else if (done.result() > 0) {
                LOG.info("deleted {} stored results past RUN_RETENTION", done.result());
              }
            });
  }

  void stop() {
    vertx.cancelTimer(timer);
  }
}
