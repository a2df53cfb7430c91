package dev.hookrun.local;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends zero-length runs through the freshly started local platform before it reports ready.
 *
 * <p>A JVM starts interpreted: the first thousand predicts load classes and run cold code in every
 * stage at once, and on two cores a paced 200 req/s saw an accept p99 of 1.8 s in its first 30 s.
 * Then the C2 compiler works for about a minute of load through everything that got hot (broker,
 * Kafka clients, Netty, Vert.x, the stages), taking a core and leaving the rest in the slower
 * profiling tier: a run costs about twice its settled CPU meanwhile (docs/PERFORMANCE.md). So the
 * warm-up has two parts:
 *
 * <ol>
 *   <li>a burst of {@code runs} runs on 16 connections, which makes the whole path hot;
 *   <li>a lighter load that keeps the profiles coming while the compilers, no longer starved of
 *       CPU, catch up: 1,000 runs/s, and every third second as many as 64 connections carry. It
 *       ends once the compilers have been quiet for three checks (seconds) in a row, or after
 *       {@code settleFor}.
 * </ol>
 *
 * The runs are real: they are accepted, run and delivered like any other, to a receiver inside this
 * process, so nothing here is a second code path that could drift from the real one; the stages
 * they go through are the warm-up's own ({@link WarmUpStack}). Readiness waits until every accepted
 * warm-up run's webhook arrived.
 */
final class WarmUp {

  private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
  static final String APP = "webhook-delay-example";
  private static final int BURST_LANES = 16;
  private static final int SETTLE_RUNS_PER_TICK = 10;
  private static final long SETTLE_TICK_MS = 10; // 10 runs every 10 ms: 1,000 runs/s
  private static final int SETTLE_MAX_IN_FLIGHT = 64;
  private static final long CHECK_EVERY_MS = 1_000;

  /**
   * Compiler time per wall second under which the JIT counts as quiet. Busy, it runs near 1.0 per
   * compiler thread; settled under load, around 0.02-0.05.
   */
  static final double QUIET_SHARE = 0.10;

  static final int QUIET_CHECKS = 3;

  private final Vertx vertx;
  private final String host;
  private final String apiKey;
  private final String project;
  private final JitActivity jit;
  private volatile boolean done;
  private volatile int sent;
  private volatile int accepted;
  private volatile int delivered;

  WarmUp(Vertx vertx, String host, String apiKey, String project, JitActivity jit) {
    this.vertx = vertx;
    this.host = host;
    this.apiKey = apiKey;
    this.project = project;
    this.jit = jit;
  }

  /** True once the warm-up ended (finished, failed or timed out). */
  boolean done() {
    return done;
  }

  /** Runs the warm-up had sent when it ended. */
  int sent() {
    return sent;
  }

  /** Runs the warm-up had accepted when it ended (each was delivered unless it timed out). */
  int accepted() {
    return accepted;
  }

  /** Webhooks the warm-up's receiver had when it ended. */
  int delivered() {
    return delivered;
  }

  /**
   * Sends the burst of {@code runs}, then the settling load for at most {@code settleFor} (zero:
   * none), and waits for the webhooks of all accepted runs, all within {@code timeout}; never fails
   * (a cold start is no error).
   */
  Future<Void> run(int port, int runs, Duration settleFor, Duration timeout) {
    if (runs <= 0) {
      done = true;
      return Future.succeededFuture();
    }
    // One context for the whole warm-up: the counters below are then touched by one thread only.
    Promise<Void> ended = Promise.promise();
    vertx
        .getOrCreateContext()
        .runOnContext(v -> warmUp(port, runs, settleFor, timeout).onComplete(ended));
    return ended.future();
  }

  private Future<Void> warmUp(int port, int runs, Duration settleFor, Duration timeout) {
    long started = System.nanoTime();
    LOG.info(
        "warm-up: {} runs through the gateway, then a lighter load until the JIT compilers go"
            + " quiet (at most {} s), before /readyz says ready (WARMUP_RUNS=0 skips it)",
        runs,
        settleFor.toSeconds());
    WarmUpReceiver receiver = new WarmUpReceiver(vertx);
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(SETTLE_MAX_IN_FLIGHT));
    long timer = vertx.setTimer(timeout.toMillis(), t -> receiver.timeOut());
    return receiver
        .listen()
        .compose(
            hook -> {
              WarmUpSender sender =
                  new WarmUpSender(client, host, port, project, APP, apiKey, hook);
              return burst(sender, runs)
                  .compose(v -> settle(sender, settleFor))
                  .compose(
                      v -> {
                        sent = sender.sent();
                        accepted = sender.accepted();
                        return receiver.awaitAll(sender.accepted());
                      })
                  .onComplete(
                      r -> {
                        delivered = receiver.delivered();
                        LOG.info(
                            "warm-up: {} runs in {} ms ({} not accepted, {} webhooks{})",
                            sender.sent(),
                            (System.nanoTime() - started) / 1_000_000,
                            sender.sent() - sender.accepted(),
                            receiver.delivered(),
                            r.failed() ? "; " + r.cause().getMessage() : "");
                      });
            })
        .eventually(receiver::close)
        .eventually(client::close)
        .onComplete(
            r -> {
              vertx.cancelTimer(timer);
              done = true;
            })
        .otherwiseEmpty()
        .mapEmpty();
  }

  /** {@code runs} runs on {@link #BURST_LANES} connections, each sending when answered. */
  private Future<Void> burst(WarmUpSender sender, int runs) {
    Promise<Void> sent = Promise.promise();
    int[] left = {runs};
    int[] lanes = {BURST_LANES};
    Runnable[] next = new Runnable[1];
    next[0] =
        () -> {
          if (left[0]-- > 0) {
            sender.send().onComplete(r -> next[0].run());
          } else if (--lanes[0] == 0) {
            sent.complete();
          }
        };
    for (int i = 0; i < BURST_LANES; i++) {
      next[0].run();
    }
    return sent.future();
  }

  /**
   * The light load until the compilers were quiet for {@link #QUIET_CHECKS} checks, or for {@code
   * settleFor}; completes once its last run was answered.
   */
  private Future<Void> settle(WarmUpSender sender, Duration settleFor) {
    if (settleFor.isZero()) {
      return Future.succeededFuture();
    }
    Promise<Void> settled = Promise.promise();
    long deadline = System.nanoTime() + settleFor.toNanos();
    jit.busyShareSinceLastCall(); // the burst's compiling is not this phase's
    int[] quietChecks = {0};
    int[] second = {0};
    long sendTimer =
        vertx.setPeriodic(
            SETTLE_TICK_MS,
            t -> {
              // every third second at full concurrency: the branches a busy system takes (fuller
              // batches, queued writes) must be compiled too, or the first real burst
              // deoptimizes them ("unstable_if") and the compilers start over
              int budget = second[0] % 3 == 0 ? SETTLE_MAX_IN_FLIGHT : SETTLE_RUNS_PER_TICK;
              for (int i = 0; i < budget && sender.inFlight() < SETTLE_MAX_IN_FLIGHT; i++) {
                sender.send();
              }
            });
    vertx.setPeriodic(
        CHECK_EVERY_MS,
        check -> {
          second[0]++;
          double busy = jit.busyShareSinceLastCall();
          quietChecks[0] = busy < QUIET_SHARE ? quietChecks[0] + 1 : 0;
          LOG.debug("warm-up: compilers busy {} ms per second", Math.round(busy * 1000));
          boolean timeUp = System.nanoTime() - deadline >= 0;
          if (quietChecks[0] >= QUIET_CHECKS || timeUp) {
            vertx.cancelTimer(check);
            vertx.cancelTimer(sendTimer);
            if (timeUp) {
              LOG.info(
                  "warm-up: compilers still busy after {} s, ready anyway", settleFor.toSeconds());
            }
            sender.whenIdle(settled);
          }
        });
    return settled.future();
  }
}
