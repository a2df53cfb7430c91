package dev.hookrun.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HostLimiterTest {

  private final AtomicLong nanos = new AtomicLong();
  private final HostLimiter limiter = new HostLimiter(2, 3, Duration.ofSeconds(1), nanos::get);

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
  void aHostWhoseRequestsStopFinishingShedsNewDeliveries() {
    Future<Runnable> a = limiter.acquire("h:80");
    limiter.acquire("h:80");
    assertFalse(limiter.acquire("h:80").isComplete());
    nanos.addAndGet(Duration.ofMillis(1500).toNanos()); // nothing to h:80 has finished for 1.5 s
    Future<Runnable> shed = limiter.acquire("h:80");
    assertTrue(shed.failed());
    assertInstanceOf(HostLimiter.HostBusy.class, shed.cause());
    assertTrue(shed.cause().getMessage().contains("h:80"));

    a.result().run(); // progress: the host takes waiting deliveries again
    assertFalse(limiter.acquire("h:80").isComplete());
  }

  @Test
  void aFastHostWithALongQueueIsNeverShed() {
    java.util.ArrayDeque<Future<Runnable>> slots = new java.util.ArrayDeque<>();
    slots.add(limiter.acquire("h:80"));
    slots.add(limiter.acquire("h:80"));
    slots.add(limiter.acquire("h:80")); // waits
    for (int i = 0; i < 10; i++) {
      nanos.addAndGet(Duration.ofMillis(600).toNanos()); // 6 s of queueing, but a request finishes every 0.6 s
      slots.poll().result().run();
      Future<Runnable> next = limiter.acquire("h:80");
      assertFalse(next.failed(), "a host that keeps finishing requests is never shed");
      slots.add(next);
    }
  }

  @Test
  void theWaitingQueueIsBounded() {
    limiter.acquire("h:80");
    limiter.acquire("h:80");
    for (int i = 0; i < 3; i++) {
      assertFalse(limiter.acquire("h:80").isComplete());
    }
    assertTrue(limiter.acquire("h:80").failed(), "the fourth waiting one is over the bound of 3");
  }
}
