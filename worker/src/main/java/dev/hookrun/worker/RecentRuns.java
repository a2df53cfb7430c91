package dev.hookrun.worker;

import dev.hookrun.common.run.RunRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The runs this worker took lately, per partition. Two requests with one run id (the same
 * Idempotency-Key sent to two gateways at once, or retried after an answer that left the outcome
 * unknown) land in the same partition a few offsets apart, so remembering the last few thousand per
 * partition is enough to run such a run once.
 *
 * <p>A request is a repeat only if it was made within the run retention of the one taken: an
 * Idempotency-Key used again after its run left the retention names a new run, which must run
 * (skipping it would leave it queued for ever).
 */
final class RecentRuns {

  private final int perPartition;
  private final long windowMillis;
  private final Map<TopicPartition, LinkedHashMap<String, Instant>> seen = new HashMap<>();

  RecentRuns(int perPartition, Duration window) {
    this.perPartition = perPartition;
    this.windowMillis = window.toMillis();
  }

  boolean contains(TopicPartition partition, RunRequest request) {
    var ids = seen.get(partition);
    Instant taken = ids == null ? null : ids.get(request.runId());
    if (taken == null) {
      return false;
    }
    if (taken.equals(Instant.EPOCH) || request.createdAt() == null) {
      return true;
    }
    return Math.abs(request.createdAt().toEpochMilli() - taken.toEpochMilli()) <= windowMillis;
  }

  /**
   * Forgets partitions this worker gave up. Without this, a partition that comes back after a
   * rebalance would have its uncommitted requests — which this worker had started and handed back —
   * skipped as duplicates and committed past: those runs would be lost.
   */
  void forget(Collection<TopicPartition> partitions) {
    partitions.forEach(seen::remove);
  }

  void add(TopicPartition partition, RunRequest request) {
    var ids = seen.computeIfAbsent(partition, p -> new LinkedHashMap<>());
    ids.put(request.runId(), request.createdAt() == null ? Instant.EPOCH : request.createdAt());
    if (ids.size() > perPartition) {
      Iterator<String> eldest = ids.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
  }
}
