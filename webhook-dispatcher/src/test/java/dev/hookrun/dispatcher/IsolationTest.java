package dev.hookrun.dispatcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.metrics.ServiceMetrics;
import dev.hookrun.common.run.RunResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A slow or dead endpoint must not hold up deliveries to others: 10 % of runs point at a black hole
 * (accepts TCP, never answers), and every healthy delivery is made while the black hole's attempts
 * are still waiting for their answer, well inside the time a host may stall before it is shed.
 *
 * <p>The rates with and without the black hole are printed, not compared: on a machine of two cores
 * the dispatcher is CPU-bound here, so the black hole's shed-and-deferred attempts slow the healthy
 * ones by the work they cost (about half in the worst passes), which says nothing about whether a
 * healthy delivery ever waited for a black-hole slot.
 */
class IsolationTest {

  private static final int HEALTHY = 2000;

  /** How long a host may finish nothing before its deliveries are shed (the default). */
  private static final Duration HOST_STALL = Duration.ofSeconds(5);

  /** Longer than the healthy deliveries take by far: any of them waiting for it would show. */
  private static final Duration BLACK_HOLE_TIMEOUT = Duration.ofSeconds(60);

  private record Measured(
      int delivered,
      long spanMs,
      double perSecond,
      long hostBusy,
      int blackHoleConnections,
      int blackHoleGivenUp) {}

  private Measured run(String name, boolean withBlackHole) {
    try (DispatcherHarness h = new DispatcherHarness(name)) {
      ScriptedReceiver healthy = new ScriptedReceiver(h.vertx);
      BlackHole blackHole = new BlackHole(h.vertx);
      List<RunResult> results = new ArrayList<>();
      for (int i = 0; i < HEALTHY; i++) {
        if (withBlackHole && i % 9 == 0) { // 1 in 10 of all runs
          results.add(DispatcherHarness.result("bh-" + UUID.randomUUID(), "p-1", blackHole.url()));
        }
        results.add(DispatcherHarness.result("ok-" + UUID.randomUUID(), "p-1", healthy.url()));
      }
      h.publishAll(
          results,
          null); // all waiting before the dispatcher starts: its pace is measured, not ours

      DispatcherVerticle dispatcher =
          h.deploy(
              h.config("1s,1s")
                  .withLimits(1000, 50, HOST_STALL)
                  .withTimeouts(Duration.ofSeconds(5), BLACK_HOLE_TIMEOUT));
      await().atMost(Duration.ofSeconds(120)).until(() -> healthy.requests().size() >= HEALTHY);
      int givenUp = blackHole.closed();
      List<ScriptedReceiver.Request> got = healthy.requests();
      long first = got.stream().mapToLong(ScriptedReceiver.Request::atMillis).min().orElseThrow();
      long last = got.stream().mapToLong(ScriptedReceiver.Request::atMillis).max().orElseThrow();
      long span = Math.max(1, last - first);
      return new Measured(
          got.size(),
          span,
          (got.size() - 1) * 1000.0 / span,
          dispatcher.metrics().hostBusy(),
          blackHole.connections(),
          givenUp);
    }
  }

  @Test
  void aBlackHoleEndpointDoesNotHoldUpHealthyDeliveries() {
    run("isolation-warmup", false); // JIT and broker warm-up, not measured
    // the black-hole run goes first, so any warm-up still going on counts against it
    Measured with = run("isolation-blackhole", true);
    Measured without = run("isolation-baseline", false);

    System.out.printf(
        "%nISOLATION healthy deliveries/s: without black hole %.0f (%d in %d ms); "
            + "with 10%% of runs to a black hole %.0f (%d in %d ms; %d connections held open by the black hole, "
            + "%d black-hole attempts shed as host busy)%n%n",
        without.perSecond(),
        without.delivered(),
        without.spanMs(),
        with.perSecond(),
        with.delivered(),
        with.spanMs(),
        with.blackHoleConnections(),
        with.hostBusy());
    assertEquals(HEALTHY, with.delivered());
    assertTrue(with.blackHoleConnections() > 0, "the black hole was being tried meanwhile");
    // the isolation itself: every healthy delivery was made while all the black hole's attempts
    // were still waiting for an answer, so none of them waited for a slot a black-hole attempt held
    assertEquals(
        0,
        with.blackHoleGivenUp(),
        "healthy deliveries finished only after black-hole attempts timed out");
    assertTrue(
        with.spanMs() < HOST_STALL.toMillis(),
        "healthy deliveries took "
            + with.spanMs()
            + " ms with a black hole beside them: as long as a black hole's stall bound");
  }

  @Test
  void aStuckHostThatFillsTheWholeBudgetIsShedAndTheOthersGoOn() {
    try (DispatcherHarness h = new DispatcherHarness("isolation-budget")) {
      ScriptedReceiver healthy = new ScriptedReceiver(h.vertx);
      BlackHole blackHole = new BlackHole(h.vertx);
      List<RunResult> stuck = new ArrayList<>();
      List<RunResult> ok = new ArrayList<>();
      for (int i = 0; i < 150; i++) { // 20 in progress and 80 waiting would fill the budget
        stuck.add(DispatcherHarness.result("bh-" + UUID.randomUUID(), "p-1", blackHole.url()));
      }
      for (int i = 0; i < 1500; i++) {
        ok.add(DispatcherHarness.result("ok-" + UUID.randomUUID(), "p-1", healthy.url()));
      }
      // one partition, the black hole's runs first: the first batches are all theirs, so they fill
      // the whole budget and nothing new for that host arrives to judge it by
      h.publishAll(stuck, 0);
      h.publishAll(ok, 0);

      // attempts to the black hole would hold their slots for 30 s; the healthy ones must not wait
      // for that
      DispatcherVerticle dispatcher =
          h.deploy(
              h.config("1s")
                  .withLimits(100, 20, Duration.ofSeconds(2))
                  .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(30)));
      long start = System.nanoTime();
      await().atMost(Duration.ofSeconds(20)).until(() -> healthy.requests().size() == ok.size());
      long ms = (System.nanoTime() - start) / 1_000_000;
      System.out.printf(
          "%nISOLATION budget of 100, 20 per host: %d healthy delivered %d ms after start "
              + "while 150 runs to a black hole were shed %d times%n%n",
          ok.size(), ms, dispatcher.metrics().hostBusy());
      assertTrue(
          dispatcher.metrics().hostBusy() > 0,
          "the black hole's deliveries were shed, not left to fill the budget");
      var exported = ServiceMetrics.registry().find("hookrun.webhook.host.busy").counter();
      assertTrue(
          exported != null && exported.count() >= dispatcher.metrics().hostBusy(),
          "Prometheus sees the shed attempts too (hookrun_webhook_host_busy_total)");
    }
  }

  @Test
  void offsetsAreCommittedOnlyBelowTheOldestUnfinishedDelivery() {
    try (DispatcherHarness h = new DispatcherHarness("isolation-commit")) {
      ScriptedReceiver healthy = new ScriptedReceiver(h.vertx);
      BlackHole blackHole = new BlackHole(h.vertx);
      List<RunResult> partition0 = new ArrayList<>();
      for (int i = 0; i < 11; i++) {
        String url = i == 5 ? blackHole.url() : healthy.url();
        partition0.add(DispatcherHarness.result("run-" + i + "-" + UUID.randomUUID(), "p-1", url));
      }
      h.publishAll(partition0, 0); // offsets 0..10 of partition 0; offset 5 goes to the black hole

      h.deploy(h.config("1s").withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(4)));
      await().atMost(Duration.ofSeconds(30)).until(() -> healthy.requests().size() == 10);
      // the later healthy ones are done, but offset 5 is not: the commit stops below it
      await().atMost(Duration.ofSeconds(10)).until(() -> h.committedOffset(0) == 5);
      assertTrue(blackHole.connections() > 0);
      // once the black-hole attempt times out and moves to the retry tier, the rest can be
      // committed
      await().atMost(Duration.ofSeconds(30)).until(() -> h.committedOffset(0) == 11);
    }
  }
}
