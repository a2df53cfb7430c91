package dev.hookrun.ops.model;

import dev.hookrun.ops.OpsException;

/**
 * What {@code ops peek} reads.
 *
 * @param topic short or full name
 * @param partition one partition, or null: all (or the key's partition when a key is given)
 * @param offset start at this offset, or null
 * @param fromEnd start this many records before each partition's end, or null
 * @param key keep only records with this key (a run id)
 * @param count at most this many records: the first ones, or the last ones with fromEnd
 */
public record PeekQuery(
    String topic, Integer partition, Long offset, Integer fromEnd, String key, int count) {

  public static final int MAX_COUNT = 1_000;

  public PeekQuery {
    if (topic == null || topic.isBlank()) {
      throw OpsException.badRequest("Name a topic.");
    }
    if (offset != null && fromEnd != null) {
      throw OpsException.badRequest("Give either an offset or from-end, not both.");
    }
    if (partition != null && partition < 0) {
      throw OpsException.badRequest("partition must be 0 or more.");
    }
    if (offset != null && offset < 0) {
      throw OpsException.badRequest("offset must be 0 or more.");
    }
    if (fromEnd != null && fromEnd < 1) {
      throw OpsException.badRequest("from-end must be 1 or more.");
    }
    if (count < 1 || count > MAX_COUNT) {
      throw OpsException.badRequest("count must be between 1 and " + MAX_COUNT + ".");
    }
  }
}
