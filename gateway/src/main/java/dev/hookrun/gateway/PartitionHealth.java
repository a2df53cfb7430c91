package dev.hookrun.gateway;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * Which partitions are not getting acknowledgements right now, seen from this gateway's own sends.
 * When one broker of a cluster dies, the partitions it led take no writes until the controller has
 * fenced it and elected new leaders (the broker session timeout, 9 s by default, plus the
 * election); every other partition keeps working. A new run has a random id, so the gateway can
 * give it an id whose partition is healthy, and only the predicts already in flight to the dead
 * node's partitions pay for the election.
 *
 * <p>A partition is stalled when a send to it has waited longer than {@code stallAfter} with no
 * acknowledgement from it meanwhile (on loopback or in one data center an acks=all write takes
 * milliseconds), or when a send to it timed out and nothing was acknowledged since; the second
 * lapses after {@code retryAfter}, so new runs go there again and find out whether the election is
 * over. A false alarm costs nothing but a slightly uneven spread of new runs.
 */
final class PartitionHealth {

  private static final class State {
    int pending;
    long progressAt; // last acknowledgement, or when the oldest pending send started
    long failedAt = Long.MIN_VALUE;
  }

  private final ConcurrentHashMap<TopicPartition, State> states = new ConcurrentHashMap<>();
  private final long stallAfterNanos;
  private final long retryAfterNanos;
  private final LongSupplier clock;

  PartitionHealth(long stallAfterMillis, long retryAfterMillis, LongSupplier nanoClock) {
    this.stallAfterNanos = stallAfterMillis * 1_000_000;
    this.retryAfterNanos = retryAfterMillis * 1_000_000;
    this.clock = nanoClock;
  }

  void sent(TopicPartition partition) {
    State s = states.computeIfAbsent(partition, p -> new State());
    synchronized (s) {
      if (s.pending++ == 0) {
        s.progressAt = clock.getAsLong();
      }
    }
  }

  void acknowledged(TopicPartition partition) {
    State s = states.get(partition);
    synchronized (s) {
      s.pending--;
      s.progressAt = clock.getAsLong();
      s.failedAt = Long.MIN_VALUE;
    }
  }

  void failed(TopicPartition partition, boolean timedOut) {
    State s = states.get(partition);
    synchronized (s) {
      s.pending--;
      if (timedOut) {
        s.failedAt = clock.getAsLong();
      }
    }
  }

  boolean stalled(TopicPartition partition) {
    State s = states.get(partition);
    if (s == null) {
      return false;
    }
    long now = clock.getAsLong();
    synchronized (s) {
      boolean waiting = s.pending > 0 && now - s.progressAt > stallAfterNanos;
      boolean recentlyFailed = s.failedAt != Long.MIN_VALUE && now - s.failedAt < retryAfterNanos;
      return waiting || recentlyFailed;
    }
  }
}
