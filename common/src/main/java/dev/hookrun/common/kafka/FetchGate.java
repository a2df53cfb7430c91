package dev.hookrun.common.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Which assigned partitions a {@link ConsumerLoop} fetches from: all of them, none ({@code paused},
 * the stage's back-pressure), or all but the {@code held} ones (a retry tier waiting for its head
 * record to fall due). Set from any thread; applied to the consumer on the poll thread before each
 * poll, so polling itself never stops.
 */
final class FetchGate {

  private volatile boolean paused;
  private final Set<TopicPartition> held = ConcurrentHashMap.newKeySet();

  void setPaused(boolean pause) {
    this.paused = pause;
  }

  boolean isPaused() {
    return paused;
  }

  void hold(TopicPartition partition) {
    held.add(partition);
  }

  void release(TopicPartition partition) {
    held.remove(partition);
  }

  /** Partitions that left this member are held no more. */
  void forget(Collection<TopicPartition> gone) {
    held.removeAll(gone);
  }

  /** On the poll thread: pause and resume in the consumer what this gate says. */
  void apply(KafkaConsumer<String, String> consumer) {
    Set<TopicPartition> owned = consumer.assignment();
    if (owned.isEmpty()) {
      return;
    }
    Set<TopicPartition> alreadyPaused = consumer.paused();
    if (paused) {
      if (alreadyPaused.size() < owned.size()) {
        consumer.pause(owned);
      }
      return;
    }
    List<TopicPartition> resume = new ArrayList<>();
    for (TopicPartition p : alreadyPaused) {
      if (!held.contains(p)) {
        resume.add(p);
      }
    }
    if (!resume.isEmpty()) {
      consumer.resume(resume);
    }
    List<TopicPartition> pause = new ArrayList<>();
    for (TopicPartition p : held) {
      if (owned.contains(p) && !alreadyPaused.contains(p)) {
        pause.add(p);
      }
    }
    if (!pause.isEmpty()) {
      consumer.pause(pause);
    }
  }
}
