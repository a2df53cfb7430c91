package dev.hookrun.common.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The partition Kafka's default partitioner gives a keyed record: murmur2 of the key's bytes (our
 * keys are run ids, UTF-8 strings). It is how a run's records are found by reading one partition
 * per topic instead of all of them.
 */
public final class KeyPartitioner {

  private KeyPartitioner() {}

  public static int partitionFor(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
