package dev.hookrun.common.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Per-partition bookkeeping of out-of-order completion, answering "what may I commit now?".
 *
 * <p>Not thread-safe: a stage keeps it on its verticle's context, like the rest of its state.
 */
public final class OffsetTracker {

  private final Map<TopicPartition, PartitionOffsets> partitions = new HashMap<>();

  public void started(TopicPartition partition, long offset) {
    partitions.computeIfAbsent(partition, p -> new PartitionOffsets()).started(offset);
  }

  /** Marks a record done. A record of a partition that was since revoked is ignored. */
  public void finished(TopicPartition partition, long offset) {
    PartitionOffsets offsets = partitions.get(partition);
    if (offsets != null) {
      offsets.finished(offset);
    }
  }

  public boolean isTracked(TopicPartition partition, long offset) {
    PartitionOffsets offsets = partitions.get(partition);
    return offsets != null && offsets.isUnfinished(offset);
  }

  public int unfinished() {
    int total = 0;
    for (PartitionOffsets offsets : partitions.values()) {
      total += offsets.unfinishedCount();
    }
    return total;
  }

  /** Offsets that moved since the last {@link #markCommitted}, ready for a commit call. */
  public Map<TopicPartition, OffsetAndMetadata> committable() {
    return committable(partitions.keySet());
  }

  public Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> which) {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    for (TopicPartition partition : which) {
      PartitionOffsets offsets = partitions.get(partition);
      if (offsets != null) {
        long next = offsets.committable();
        if (next >= 0) {
          out.put(partition, new OffsetAndMetadata(next));
        }
      }
    }
    return out;
  }

  public void markCommitted(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach(
        (partition, offset) -> {
          PartitionOffsets tracked = partitions.get(partition);
          if (tracked != null) {
            tracked.committed(offset.offset());
          }
        });
  }

  /** Forgets partitions this member no longer owns; their unfinished records belong to another. */
  public void forget(Collection<TopicPartition> gone) {
    gone.forEach(partitions::remove);
  }
}
