package dev.hookrun.common.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import java.lang.ref.WeakReference;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetersTest {

  @Test
  void queueGaugesStillReadTheViewAfterACollection() {
    String project = "p-" + UUID.randomUUID();
    int[] queued = {7};
    Meters.trackQueue(project, "app", () -> queued[0], () -> 2);
    // what the gauges held weakly before is gone after this (a sentinel held the same way is)
    WeakReference<Object> sentinel = new WeakReference<>(new Object());
    for (int i = 0; i < 50 && sentinel.get() != null; i++) {
      System.gc();
    }
    assertNull(sentinel.get(), "a collection cleared weak references");
    queued[0] = 9;
    assertEquals(9.0, gauge("hookrun.runs.queued", "project", project).value());
    assertEquals(2.0, gauge("hookrun.runs.running", "project", project).value());
  }

  @Test
  void forgetTaggedRemovesOnlyTheMatchingMeters() {
    String gone = "gone-" + UUID.randomUUID();
    String kept = "kept-" + UUID.randomUUID();
    Meters.trackQueue(gone, "app", () -> 1, () -> 1);
    Meters.trackQueue(kept, "app", () -> 1, () -> 1);
    AtomicLong lag = Meters.memberLag(gone + "-workers", "m1");

    Meters.forgetTagged("project", gone::equals);
    Meters.forgetTagged("group", group -> group.startsWith(gone));

    assertNull(find("hookrun.runs.queued", "project", gone));
    assertNull(find("hookrun.consumer.member.lag", "group", gone + "-workers"));
    assertTrue(find("hookrun.runs.queued", "project", kept) != null);
    // a member registered again under the same name gets a live holder, not the forgotten one
    AtomicLong again = Meters.memberLag(gone + "-workers", "m1");
    again.set(5);
    assertEquals(5.0, gauge("hookrun.consumer.member.lag", "group", gone + "-workers").value());
    assertTrue(lag != again);
  }

  private static Gauge gauge(String name, String tag, String value) {
    Gauge gauge = find(name, tag, value);
    assertTrue(gauge != null, name + " " + tag + "=" + value + " is registered");
    return gauge;
  }

  private static Gauge find(String name, String tag, String value) {
    return ServiceMetrics.registry().find(name).tag(tag, value).gauge();
  }
}
