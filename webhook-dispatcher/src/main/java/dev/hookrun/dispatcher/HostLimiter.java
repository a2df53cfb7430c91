package dev.hookrun.dispatcher;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Bounds the requests in progress to each host, so a slow or dead endpoint ties up at most
 * {@code maxActive} connections, and sheds deliveries to a host that cannot take them in time.
 *
 * <p>A delivery to a host at its bound waits for a free slot, unless waiting would take longer
 * than {@code maxWait}: judged by the host's own pace, not by how long the queue is. A host whose
 * requests take 10 ms drains a thousand waiting deliveries in a fraction of a second and never
 * sheds (the dispatcher merely reads faster than anyone can deliver); a host whose requests take
 * seconds may have only a few waiting; a host that has finished nothing for {@code maxWait}
 * (a black hole) sheds the new delivery and everything waiting for it. A shed delivery fails as
 * "host busy" and takes the retry path, so its memory and its place in the dispatcher's overall
 * budget go to hosts that make progress.
 *
 * <p>Not thread-safe: used on the dispatcher's context only.
 */
final class HostLimiter {

  /** Thrown (as a failed future) when a host sheds a delivery. */
  static final class HostBusy extends RuntimeException {
    HostBusy(String message) {
      super(message, null, false, false);
    }
  }

  private static final double LATENCY_WEIGHT = 0.2;

  private static final class Host {
    int active;
    long lastProgressNanos;
    /** Moving average of how long a slot is held; 0 until a request has finished. */
    double latencyNanos;
    final ArrayDeque<Promise<Runnable>> waiting = new ArrayDeque<>();
  }

  private final int maxActive;
  private final long maxWaitNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Host> hosts = new HashMap<>();

  HostLimiter(int maxActive, Duration maxWait, LongSupplier nanoTime) {
    this.maxActive = maxActive;
    this.maxWaitNanos = maxWait.toNanos();
    this.nanoTime = nanoTime;
  }

  /** A slot for one request to {@code host}; run the returned action exactly once when done. */
  Future<Runnable> acquire(String host) {
    long now = nanoTime.getAsLong();
    Host h = hosts.computeIfAbsent(host, k -> {
      Host fresh = new Host();
      fresh.lastProgressNanos = now;
      return fresh;
    });
    if (h.active < maxActive) {
      h.active++;
      return Future.succeededFuture(release(host, h, now));
    }
    if (now - h.lastProgressNanos > maxWaitNanos) {
      HostBusy stalled = new HostBusy("host busy: " + h.active + " requests in progress to " + host
          + ", none finished in the last " + maxWaitNanos / 1_000_000 + " ms");
      Promise<Runnable> queued;
      while ((queued = h.waiting.pollFirst()) != null) {
        queued.fail(stalled); // they would wait for the same stuck slots
      }
      return Future.failedFuture(stalled);
    }
    double expectedWaitNanos = (h.waiting.size() + 1) * h.latencyNanos / maxActive;
    if (expectedWaitNanos > maxWaitNanos) {
      return Future.failedFuture(new HostBusy("host busy: " + h.active + " requests in progress to "
          + host + " and " + h.waiting.size() + " waiting, about " + Math.round(expectedWaitNanos / 1e6)
          + " ms of wait at its pace"));
    }
    Promise<Runnable> promise = Promise.promise();
    h.waiting.addLast(promise);
    return promise.future();
  }

  int active(String host) {
    Host h = hosts.get(host);
    return h == null ? 0 : h.active;
  }

  int waiting(String host) {
    Host h = hosts.get(host);
    return h == null ? 0 : h.waiting.size();
  }

  private Runnable release(String host, Host h, long grantedNanos) {
    boolean[] released = {false};
    return () -> {
      if (released[0]) {
        return;
      }
      released[0] = true;
      long now = nanoTime.getAsLong();
      long held = now - grantedNanos;
      h.latencyNanos = h.latencyNanos == 0 ? held : (1 - LATENCY_WEIGHT) * h.latencyNanos + LATENCY_WEIGHT * held;
      h.lastProgressNanos = now;
      Promise<Runnable> next = h.waiting.pollFirst();
      if (next != null) {
        next.complete(release(host, h, now)); // the slot passes on; active stays the same
      } else if (--h.active == 0) {
        hosts.remove(host);
      }
    };
  }
}
