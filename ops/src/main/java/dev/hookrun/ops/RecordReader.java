package dev.hookrun.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads given offset ranges of given partitions (assign and seek, no group, nothing committed),
 * within a time budget and a scan limit, so an operator's query never runs away on a big topic.
 */
final class RecordReader {

  /**
   * @param complete false when the budget or limit stopped the read before the ranges' ends
   * @param scanned records looked at (kept or not)
   */
  record Result(List<ConsumerRecord<String, String>> records, long scanned, boolean complete) {}

  private final KafkaAccess access;
  private final Duration budget;
  private final long maxScanned;

  RecordReader(KafkaAccess access, Duration budget, long maxScanned) {
    this.access = access;
    this.budget = budget;
    this.maxScanned = maxScanned;
  }

  /**
   * Reads {@code [from, to)} of each partition, keeping records {@code keep} accepts; stops early
   * once {@code stopAfter} records are kept (0: no early stop).
   */
  Result read(
      Map<TopicPartition, Long> from,
      Map<TopicPartition, Long> to,
      Predicate<ConsumerRecord<String, String>> keep,
      int stopAfter) {
    Map<TopicPartition, Long> ends = new HashMap<>();
    from.forEach(
        (p, start) -> {
          Long end = to.get(p);
          if (end != null && start != null && start >= 0 && start < end) {
            ends.put(p, end);
          }
        });
    List<ConsumerRecord<String, String>> kept = new ArrayList<>();
    if (ends.isEmpty()) {
      return new Result(kept, 0, true);
    }
    long deadline = System.nanoTime() + budget.toNanos();
    long scanned = 0;
    try (KafkaConsumer<String, String> consumer = access.reader()) {
      consumer.assign(ends.keySet());
      ends.keySet().forEach(p -> consumer.seek(p, from.get(p)));
      Set<TopicPartition> pending = new HashSet<>(ends.keySet());
      while (!pending.isEmpty()) {
        if (System.nanoTime() > deadline || scanned >= maxScanned) {
          return new Result(kept, scanned, false);
        }
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          TopicPartition p = new TopicPartition(record.topic(), record.partition());
          if (record.offset() >= ends.get(p)) {
            continue; // written after the query began
          }
          scanned++;
          if (keep.test(record)) {
            kept.add(record);
            if (stopAfter > 0 && kept.size() >= stopAfter) {
              return new Result(kept, scanned, true);
            }
          }
        }
        // Positions, not record offsets, tell when a partition is read: compaction and
        // transaction markers leave offsets that no record carries.
        for (TopicPartition p : List.copyOf(pending)) {
          if (consumer.position(p, Duration.ofSeconds(2)) >= ends.get(p)) {
            pending.remove(p);
            consumer.pause(List.of(p));
          }
        }
      }
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw access.translate(e);
    }
    return new Result(kept, scanned, true);
  }
}
