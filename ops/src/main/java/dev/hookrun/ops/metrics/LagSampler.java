package dev.hookrun.ops.metrics;

import dev.hookrun.common.metrics.Meters;
import dev.hookrun.ops.OpsService;
import dev.hookrun.ops.model.GroupInfo;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts each platform consumer group's lag into {@code hookrun_consumer_lag{stage,group}}. Lag is a
 * broker-side fact (end minus committed offsets), so any one process can measure every stage; the
 * gateways do it, with the ops queries they already have.
 */
public final class LagSampler {

  private static final Logger LOG = LoggerFactory.getLogger(LagSampler.class);

  private final Vertx vertx;
  private final long timer;

  private LagSampler(Vertx vertx, long timer) {
    this.vertx = vertx;
    this.timer = timer;
  }

  /**
   * Samples every {@code interval} on a worker thread until {@link #stop}; its owner stops it (a
   * verticle in its own stop), so no sampling outlives what started it.
   */
  public static LagSampler start(Vertx vertx, OpsService ops, Duration interval) {
    AtomicBoolean busy = new AtomicBoolean();
    Map<String, AtomicLong> gauges = new HashMap<>();
    long timer =
        vertx.setPeriodic(
            0,
            Math.max(1_000, interval.toMillis()),
            id -> {
              if (!busy.compareAndSet(false, true)) {
                return; // the last sample is still waiting for Kafka
              }
              vertx
                  .executeBlocking(ops::groups, false)
                  .onComplete(
                      done -> {
                        busy.set(false);
                        if (done.failed()) {
                          LOG.debug("lag sample failed: {}", done.cause().toString());
                          return;
                        }
                        for (GroupInfo group : done.result().groups()) {
                          gauges
                              .computeIfAbsent(
                                  group.stage() + "|" + group.groupId(),
                                  k -> Meters.consumerLag(group.stage(), group.groupId()))
                              .set(group.totalLag());
                        }
                      });
            });
    return new LagSampler(vertx, timer);
  }

  /** No sample starts after this (one already asking Kafka still ends). */
  public void stop() {
    vertx.cancelTimer(timer);
  }
}
