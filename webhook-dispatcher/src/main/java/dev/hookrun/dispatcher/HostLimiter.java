package dev.hookrun.dispatcher;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Bounds the requests in progress to each host, so a slow or dead endpoint ties up at most {@code
 * maxActive} connections, and sheds deliveries to a host that cannot take them in time.
 *
 * <p>A delivery to a host at its bound waits for a free slot, unless waiting would take longer than
 * {@code maxWait}, judged by the host's own pace rather than by the length of the queue: a host
 * whose requests take 10 ms drains a thousand waiting deliveries in a fraction of a second and
 * never sheds (the dispatcher merely reads faster than anyone can deliver); a host whose requests
 * take seconds may have only a few waiting; a host that has finished nothing for {@code maxWait} (a
 * black hole) sheds the new delivery and everything waiting for it. A shed delivery fails as "host
 * busy" and is deferred to a retry tier (without spending an attempt), so its memory and its place
 * in the dispatcher's overall budget go to hosts that make progress. {@link #sweep} applies the
 * same rules to deliveries already waiting, so a stuck host that has filled the whole budget (and
 * so receives nothing new to judge it by) still lets go.
 *
 * <p>A host that is slow but keeping its pace (a request finished within the time its requests
 * usually take) sheds by its pace only while the dispatcher's budget is spent (its deliveries,
 * waiting and in progress, reach {@code budget}): only then does its queue keep other hosts'
 * deliveries from being read. A host falling behind its pace (going dark) sheds as before. Below
 * it, shedding would gain nobody anything: the shed delivery would wait out the first retry delay
 * instead of its turn, and cost two more records. (Benchmarked: with one receiver on a saturated
 * machine the pace rule alone deferred ~900 of 20,000 deliveries by 5 s though the receiver never
 * stopped answering.)
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

    /** When a request to this host last finished (or when the host was first seen). */
    long lastProgressNanos;

    /** Moving average of how long a request holds its slot; 0 until one has finished. */
    double latencyNanos;

    final ArrayDeque<Promise<Runnable>> waiting = new ArrayDeque<>();
  }

  private final int maxActive;
  private final int budget;

  /** Deliveries waiting or in progress over all hosts. */
  private int held;

  private final long maxWaitNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Host> hosts = new HashMap<>();

  /**
   * @param budget the dispatcher's own bound on deliveries in progress (DISPATCHER_MAX_INFLIGHT): a
   *     slow host's queue is cut by its pace only while all of them together reach it
   */
  HostLimiter(int maxActive, Duration maxWait, int budget, LongSupplier nanoTime) {
    this.maxActive = maxActive;
    this.budget = budget;
    this.maxWaitNanos = maxWait.toNanos();
    this.nanoTime = nanoTime;
  }

  /**
   * A slot at once, or null when the host has none free: for best-effort requests, which are
   * dropped rather than queued behind a busy receiver.
   */
  Runnable tryAcquire(String host) {
    long now = nanoTime.getAsLong();
    Host h = host(host, now);
    if (h.active >= maxActive || !h.waiting.isEmpty()) {
      return null;
    }
    h.active++;
    held++;
    return slot(host, h, now);
  }

  /** A slot for one request to {@code host}; run the returned action exactly once when done. */
  Future<Runnable> acquire(String host) {
    long now = nanoTime.getAsLong();
    Host h = host(host, now);
    if (h.active < maxActive) {
      h.active++;
      held++;
      return Future.succeededFuture(slot(host, h, now));
    }
    long sinceProgress = now - h.lastProgressNanos;
    if (sinceProgress > maxWaitNanos) {
      HostBusy stalled =
          new HostBusy(
              "host busy: "
                  + h.active
                  + " requests in progress to "
                  + host
                  + ", none finished in the last "
                  + maxWaitNanos / 1_000_000
                  + " ms");
      Promise<Runnable> queued;
      while ((queued = h.waiting.pollFirst()) != null) {
        held--;
        queued.fail(stalled); // they would wait for the same stuck slots
      }
      return Future.failedFuture(stalled);
    }
    // At the bound a slot frees only when a request finishes, so the time since the last one
    // finished is a floor on the pace: it catches a host going dark before any of its requests
    // has finished (or timed out) to inform the average.
    double pace = Math.max(h.latencyNanos, sinceProgress);
    double expectedWaitNanos = (h.waiting.size() + 1) * pace / maxActive;
    if (expectedWaitNanos > maxWaitNanos && (budgetSpent() || !keepingPace(h, sinceProgress))) {
      return Future.failedFuture(
          new HostBusy(
              "host busy: "
                  + h.active
                  + " requests in progress to "
                  + host
                  + " and "
                  + h.waiting.size()
                  + " waiting, about "
                  + Math.round(expectedWaitNanos / 1e6)
                  + " ms of wait at its pace"));
    }
    Promise<Runnable> promise = Promise.promise();
    h.waiting.addLast(promise);
    held++;
    return promise.future();
  }

  /**
   * Sheds waiting deliveries that the rules of {@link #acquire} would refuse now: all of those of a
   * host that has finished nothing for {@code maxWait}, and the tail of a queue too long for its
   * host's pace. Call it periodically.
   */
  void sweep() {
    long now = nanoTime.getAsLong();
    for (var entry : hosts.entrySet()) {
      Host h = entry.getValue();
      if (h.waiting.isEmpty()) {
        continue;
      }
      long sinceProgress = now - h.lastProgressNanos;
      double pace = Math.max(h.latencyNanos, sinceProgress);
      long keep =
          sinceProgress > maxWaitNanos
              ? 0
              : pace == 0 || !budgetSpent() && keepingPace(h, sinceProgress)
                  ? Long.MAX_VALUE
                  : (long) Math.floor(maxWaitNanos * (double) maxActive / pace);
      if (h.waiting.size() <= keep) {
        continue;
      }
      HostBusy busy =
          new HostBusy(
              "host busy: "
                  + h.active
                  + " requests in progress to "
                  + entry.getKey()
                  + (keep == 0
                      ? ", none finished in the last " + maxWaitNanos / 1_000_000 + " ms"
                      : " and too many waiting for its pace"));
      while (h.waiting.size() > keep) {
        held--;
        h.waiting.pollLast().fail(busy);
      }
    }
  }

  private Host host(String host, long now) {
    return hosts.computeIfAbsent(
        host,
        k -> {
          Host fresh = new Host();
          fresh.lastProgressNanos = now; // a new host has made no progress yet: from now on
          return fresh;
        });
  }

  private boolean budgetSpent() {
    return held >= budget;
  }

  /** A request finished within the time the host's requests usually take. */
  private static boolean keepingPace(Host h, long sinceProgress) {
    return h.latencyNanos > 0 && sinceProgress <= h.latencyNanos;
  }

  /** Deliveries waiting or in progress over all hosts. */
  int held() {
    return held;
  }

  int active(String host) {
    Host h = hosts.get(host);
    return h == null ? 0 : h.active;
  }

  int waiting(String host) {
    Host h = hosts.get(host);
    return h == null ? 0 : h.waiting.size();
  }

  private Runnable slot(String host, Host h, long grantedNanos) {
    boolean[] released = {false};
    return () -> {
      if (released[0]) {
        return;
      }
      released[0] = true;
      held--;
      long now = nanoTime.getAsLong();
      long held = now - grantedNanos;
      h.latencyNanos =
          h.latencyNanos == 0
              ? held
              : (1 - LATENCY_WEIGHT) * h.latencyNanos + LATENCY_WEIGHT * held;
      h.lastProgressNanos = now;
      Promise<Runnable> next = h.waiting.pollFirst();
      if (next != null) {
        next.complete(slot(host, h, now)); // the slot passes on; active stays the same
      } else if (--h.active == 0) {
        hosts.remove(host);
      }
    };
  }
}
