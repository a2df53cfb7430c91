package dev.hookrun.worker;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The run ids this worker took lately, per partition. Two requests with one run id (the same
 * Idempotency-Key sent to two gateways at once) land in the same partition a few offsets apart,
 * so remembering the last few thousand per partition is enough to run such a run once.
 */
final class RecentRuns {

  private final int perPartition;
  private final Map<TopicPartition, LinkedHashSet<String>> seen = new HashMap<>();

  RecentRuns(int perPartition) {
    this.perPartition = perPartition;
  }

  boolean contains(TopicPartition partition, String runId) {
    var ids = seen.get(partition);
    return ids != null && ids.contains(runId);
  }

  /**
   * Forgets partitions this worker gave up. Without this, a partition that comes back after a
   * rebalance would have its uncommitted requests — which this worker had started and handed
   * back — skipped as duplicates and committed past: those runs would be lost.
   */
  void forget(java.util.Collection<TopicPartition> partitions) {
    partitions.forEach(seen::remove);
  }

  void add(TopicPartition partition, String runId) {
    var ids = seen.computeIfAbsent(partition, p -> new LinkedHashSet<>());
    ids.add(runId);
    if (ids.size() > perPartition) {
      var it = ids.iterator();
      it.next();
      it.remove();
    }
  }
}
