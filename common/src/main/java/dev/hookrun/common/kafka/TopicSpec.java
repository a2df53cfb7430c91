package dev.hookrun.common.kafka;

import java.util.Map;

/** A topic a stage needs, with the layout it gets when the stage has to create it. */
public record TopicSpec(
    String name, int partitions, short replicationFactor, Map<String, String> configs) {

  public static TopicSpec of(String name, int partitions, short replicationFactor) {
    return new TopicSpec(name, partitions, replicationFactor, Map.of());
  }

  public TopicSpec withConfig(String key, String value) {
    var copy = new java.util.HashMap<>(configs);
    copy.put(key, value);
    return new TopicSpec(name, partitions, replicationFactor, Map.copyOf(copy));
  }
}
