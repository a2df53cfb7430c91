package dev.hookrun.ops.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A consumer group reading platform topics, with what {@code kafka-consumer-groups --describe}
 * shows: state, members and, per partition, committed offset, end offset and lag.
 *
 * @param stage the stage(s) of the topics it reads ("worker", "dispatcher", "retry-1", ...)
 */
public record GroupInfo(
    String groupId,
    String stage,
    String state,
    List<Member> members,
    List<PartitionLag> partitions) {

  /** One member: who it is and which partitions it owns. */
  public record Member(String consumerId, String clientId, String host, List<String> assigned) {
    JsonObject toJson() {
      return new JsonObject()
          .put("consumer_id", consumerId)
          .put("client_id", clientId)
          .put("host", host)
          .put("assigned", new JsonArray(assigned));
    }
  }

  /**
   * Progress of the group on one partition. {@code committed} is null when the group has not
   * committed there yet; the lag then counts from the partition's start (where the group will
   * begin, as our consumers reset to earliest).
   */
  public record PartitionLag(
      String topic,
      int partition,
      Long committed,
      long end,
      long lag,
      String consumerId,
      String host,
      String clientId) {
    JsonObject toJson() {
      return new JsonObject()
          .put("topic", topic)
          .put("partition", partition)
          .put("committed_offset", committed)
          .put("end_offset", end)
          .put("lag", lag)
          .put("consumer_id", consumerId)
          .put("host", host)
          .put("client_id", clientId);
    }
  }

  public long totalLag() {
    return partitions.stream().mapToLong(PartitionLag::lag).sum();
  }

  public JsonObject toJson() {
    JsonArray memberJson = new JsonArray();
    members.forEach(m -> memberJson.add(m.toJson()));
    JsonArray partitionJson = new JsonArray();
    partitions.forEach(p -> partitionJson.add(p.toJson()));
    return new JsonObject()
        .put("group", groupId)
        .put("stage", stage)
        .put("state", state)
        .put("total_lag", totalLag())
        .put("members", memberJson)
        .put("partitions", partitionJson);
  }
}
