package dev.hookrun.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HostLimiterTest {

  private final AtomicLong nanos = new AtomicLong();

  /** A budget of 0 is always spent: the pace rule applies from the first delivery. */
  private final HostLimiter limiter = new HostLimiter(2, Duration.ofSeconds(1), 0, nanos::get);

  private void advance(long millis) {
    nanos.addAndGet(Duration.ofMillis(millis).toNanos());
  }

  @Test
  void aHostGetsItsBoundAndTheRestWaitForAFreeSlot() {
    Future<Runnable> a = limiter.acquire("h:80");
    Future<Runnable> b = limiter.acquire("h:80");
    Future<Runnable> c = limiter.acquire("h:80");
    assertTrue(a.succeeded() && b.succeeded());
    assertFalse(c.isComplete(), "the third waits");
    assertEquals(2, limiter.active("h:80"));
    assertEquals(1, limiter.waiting("h:80"));

    a.result().run();
    assertTrue(c.succeeded(), "a released slot goes to the waiting one");
    a.result().run(); // a second release of the same slot changes nothing
    assertEquals(2, limiter.active("h:80"));
    b.result().run();
    c.result().run();
    assertEquals(0, limiter.active("h:80"));
  }

  @Test
  void otherHostsAreNotAffected() {
    limiter.acquire("slow:80");
    limiter.acquire("slow:80");
    limiter.acquire("slow:80");
    assertTrue(limiter.acquire("fast:80").succeeded());
  }

  @Test
  void aHostThatFinishesNothingShedsTheNewDeliveryAndThoseWaiting() {
    Future<Runnable> a = limiter.acquire("h:80");
    limiter.acquire("h:80");
    Future<Runnable> waiting = limiter.acquire("h:80");
    assertFalse(waiting.isComplete());
    advance(1500); // nothing to h:80 has finished for 1.5 s
    Future<Runnable> shed = limiter.acquire("h:80");
    assertTrue(shed.failed());
    assertInstanceOf(HostLimiter.HostBusy.class, shed.cause());
    assertTrue(shed.cause().getMessage().contains("h:80"));
    assertTrue(waiting.failed(), "those waiting for the stuck slots go too");

    a.result().run(); // progress: the host takes deliveries again
    assertTrue(limiter.acquire("h:80").succeeded(), "the freed slot");
    assertFalse(limiter.acquire("h:80").isComplete(), "and the next may wait again");
  }

  @Test
  void aFastHostQueuesAsManyAsItCanServeInTime() {
    // requests take 10 ms: 2 slots serve 200 per second, so ~200 may wait within the 1 s bound
    ArrayDeque<Future<Runnable>> inProgress = new ArrayDeque<>();
    inProgress.add(limiter.acquire("h:80"));
    inProgress.add(limiter.acquire("h:80"));
    advance(10);
    inProgress.poll().result().run();
    inProgress.add(limiter.acquire("h:80"));
    List<Future<Runnable>> queued = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      queued.add(limiter.acquire("h:80"));
    }
    assertTrue(
        queued.stream().noneMatch(Future::failed), "150 × 10 ms / 2 slots = 0.75 s of wait: fine");
    Future<Runnable> tooMany = null;
    for (int i = 0; i < 100 && (tooMany == null || !tooMany.failed()); i++) {
      tooMany = limiter.acquire("h:80");
    }
    assertTrue(tooMany.failed(), "past about 200 waiting the wait would exceed 1 s");
    assertTrue(tooMany.cause().getMessage().contains("waiting"), tooMany.cause().getMessage());
  }

  @Test
  void aSlowHostMayHaveOnlyAFewWaiting() {
    Future<Runnable> a = limiter.acquire("h:80");
    limiter.acquire("h:80");
    advance(800); // requests take 0.8 s: each waiting one adds 0.4 s
    a.result().run();
    limiter.acquire("h:80");
    assertFalse(limiter.acquire("h:80").isComplete(), "0.4 s of wait");
    assertFalse(limiter.acquire("h:80").isComplete(), "0.8 s of wait");
    assertTrue(limiter.acquire("h:80").failed(), "1.2 s of wait is over the bound");
  }

  @Test
  void aSweepShedsWhatIsAlreadyWaitingOnceTheHostStopsFinishing() {
    limiter.acquire("h:80");
    limiter.acquire("h:80");
    List<Future<Runnable>> queued = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      queued.add(limiter.acquire("h:80")); // nothing known yet about the host: all may wait
    }
    assertTrue(queued.stream().noneMatch(Future::isComplete));
    advance(500); // 0.5 s without progress: 2 slots at ≥ 0.5 s each serve 4 within the 1 s bound
    limiter.sweep();
    assertEquals(4, queued.stream().filter(f -> !f.isComplete()).count());
    assertTrue(
        queued.subList(4, 10).stream().allMatch(Future::failed),
        "the tail goes, the head keeps its place");
    advance(600);
    limiter.sweep();
    assertTrue(
        queued.stream().allMatch(Future::failed),
        "nothing finished for 1.1 s: all waiting are shed");
    assertEquals(
        2, limiter.active("h:80"), "the requests in progress keep their slots until they end");
  }

  @Test
  void aSlowHostThatStillAnswersShedsByItsPaceOnlyWhileTheBudgetIsSpent() {
    HostLimiter roomy = new HostLimiter(2, Duration.ofSeconds(1), 8, nanos::get);
    Future<Runnable> a = roomy.acquire("h:80");
    roomy.acquire("h:80");
    advance(800); // requests take 0.8 s: each waiting one adds 0.4 s
    a.result().run();
    roomy.acquire("h:80");
    List<Future<Runnable>> queued = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      queued.add(roomy.acquire("h:80"));
    }
    assertTrue(
        queued.stream().noneMatch(Future::isComplete),
        "2.0 s of wait at its pace, but 7 of 8 held: nobody else is kept out, so they wait their turn");
    roomy.sweep();
    assertTrue(queued.stream().noneMatch(Future::isComplete), "the sweep keeps them too");
    assertEquals(7, roomy.held());

    Future<Runnable> eighth = roomy.acquire("h:80");
    assertFalse(eighth.isComplete(), "the eighth fills the budget");
    assertTrue(
        roomy.acquire("h:80").failed(), "with the budget spent, a wait past the bound is shed");
    roomy.sweep();
    assertEquals(
        2,
        queued.stream().filter(f -> !f.isComplete()).count(),
        "and the sweep cuts the queue to what the host serves within the bound");
    assertEquals(4, roomy.held());
    advance(1500); // nothing finished for 1.5 s: a stuck host lets go whatever the budget
    roomy.sweep();
    assertEquals(0, roomy.waiting("h:80"));
    assertEquals(2, roomy.held(), "the requests in progress keep their slots until they end");
  }
}
