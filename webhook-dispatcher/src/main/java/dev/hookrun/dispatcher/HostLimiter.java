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
 * <p>A delivery to a host at its bound waits for a free slot, unless the host's oldest waiting
 * delivery has already waited longer than {@code maxWait} (the host is not keeping up: a black
 * hole, or an endpoint slower than its traffic) or {@code maxWaiting} are waiting. Then the
 * delivery is refused at once as "host busy" and takes the retry path, so its memory and its
 * place in the dispatcher's overall budget go to healthy hosts. A fast host drains its queue in
 * milliseconds and never sheds.
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
    final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
  }

  private record Waiter(Promise<Runnable> promise, long sinceNanos) {}

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
    Host h = hosts.computeIfAbsent(host, k -> new Host());
    if (h.active < maxActive) {
      h.active++;
      return Future.succeededFuture(release(host, h));
    }
    long now = nanoTime.getAsLong();
    Waiter oldest = h.waiting.peekFirst();
    if (h.waiting.size() >= maxWaiting || (oldest != null && now - oldest.sinceNanos() > maxWaitNanos)) {
      return Future.failedFuture(new HostBusy("host busy: " + h.active + " requests in progress to "
          + host + " and " + h.waiting.size() + " waiting"));
    }
    Promise<Runnable> promise = Promise.promise();
    h.waiting.addLast(new Waiter(promise, now));
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
      Waiter next = h.waiting.pollFirst();
      if (next != null) {
        next.promise().complete(release(host, h)); // the slot passes on; active stays the same
      } else if (--h.active == 0) {
        hosts.remove(host);
      }
    };
  }
}
