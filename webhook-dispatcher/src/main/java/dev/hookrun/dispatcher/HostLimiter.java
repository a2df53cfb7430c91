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
 * {@code maxActive} connections, and sheds load from a host that has a backlog.
 *
 * <p>A delivery to a host at its bound waits for a free slot, unless no request to that host has
 * finished for longer than {@code maxWait} (its slots are stuck: a black hole, or an endpoint far
 * slower than its traffic) or {@code maxWaiting} deliveries already wait. Then the delivery is
 * refused at once as "host busy" and takes the retry path, so its memory and its place in the
 * dispatcher's overall budget go to other hosts. The signal is the host's own progress, not how
 * long deliveries wait: a fast host that merely has a burst queued (the dispatcher reads faster
 * than anyone can deliver) finishes requests every few milliseconds and never sheds.
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

  private static final class Host {
    int active;
    long lastProgressNanos;
    final ArrayDeque<Promise<Runnable>> waiting = new ArrayDeque<>();
  }

  private final int maxActive;
  private final int maxWaiting;
  private final long maxWaitNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Host> hosts = new HashMap<>();

  HostLimiter(int maxActive, int maxWaiting, Duration maxWait, LongSupplier nanoTime) {
    this.maxActive = maxActive;
    this.maxWaiting = maxWaiting;
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
      return Future.succeededFuture(release(host, h));
    }
    if (h.waiting.size() >= maxWaiting || now - h.lastProgressNanos > maxWaitNanos) {
      return Future.failedFuture(new HostBusy("host busy: " + h.active + " requests in progress to "
          + host + " and " + h.waiting.size() + " waiting, none finished in the last "
          + maxWaitNanos / 1_000_000 + " ms"));
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

  private Runnable release(String host, Host h) {
    boolean[] released = {false};
    return () -> {
      if (released[0]) {
        return;
      }
      released[0] = true;
      h.lastProgressNanos = nanoTime.getAsLong();
      Promise<Runnable> next = h.waiting.pollFirst();
      if (next != null) {
        next.complete(release(host, h)); // the slot passes on; active stays the same
      } else if (--h.active == 0) {
        hosts.remove(host);
      }
    };
  }
}
