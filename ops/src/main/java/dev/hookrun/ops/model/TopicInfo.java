package dev.hookrun.ops.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One platform topic: layout, settings and offsets. Record counts are end minus start offsets,
 * exact for delete-policy topics and an upper bound for compacted ones (deliveries).
 *
 * @param retentionMs retention.ms, -1 for unlimited
 */
public record TopicInfo(
    String name,
    String shortName,
    int partitionCount,
    int replicationFactor,
    String cleanupPolicy,
    long retentionMs,
    List<PartitionRange> partitions) {

  /** Start and end (next) offset of one partition. */
  public record PartitionRange(int partition, long start, long end) {
    public long records() {
      return Math.max(0, end - start);
    }
  }

  public long startOffsets() {
    return partitions.stream().mapToLong(PartitionRange::start).sum();
  }

  public long endOffsets() {
    return partitions.stream().mapToLong(PartitionRange::end).sum();
  }

  public long records() {
    return partitions.stream().mapToLong(PartitionRange::records).sum();
  }

  public JsonObject toJson() {
    JsonArray parts = new JsonArray();
    partitions.forEach(
        p ->
            parts.add(
                new JsonObject()
                    .put("partition", p.partition())
                    .put("start_offset", p.start())
                    .put("end_offset", p.end())
                    .put("records", p.records())));
    return new JsonObject()
        .put("topic", name)
        .put("short_name", shortName)
        .put("partitions", partitionCount)
        .put("replication_factor", replicationFactor)
        .put("cleanup_policy", cleanupPolicy)
        .put("retention_ms", retentionMs)
        .put("start_offsets", startOffsets())
        .put("end_offsets", endOffsets())
        .put("records", records())
        .put("by_partition", parts);
  }
}
