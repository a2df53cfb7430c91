package dev.hookrun.common.kafka;

import dev.hookrun.common.metrics.Meters;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lag of the partitions one group member owns, into {@code hookrun_consumer_member_lag}, and
 * the records it has not fetched yet, into {@code hookrun_consumer_member_waiting} (for a worker:
 * runs waiting to start, which an autoscaler should count, unlike runs sleeping in progress):
 * sampled by its {@link ConsumerLoop} on the poll thread (the consumer is not thread-safe), every
 * {@code interval}. Two small requests (committed offsets, end offsets) a few times a minute,
 * bounded by a short timeout so an unreachable broker delays polling by at most that; the last
 * value stays.
 */
final class MemberLagSampler {

  private static final Logger LOG = LoggerFactory.getLogger(MemberLagSampler.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  private final String group;
  private final String member;
  private final long intervalMs;
  private long nextSample;
  private AtomicLong lag;
  private AtomicLong waiting;

  /**
   * @param interval zero: never
   */
  MemberLagSampler(String group, String member, Duration interval) {
    this.group = group;
    this.member = member;
    this.intervalMs = interval.toMillis();
  }

  static MemberLagSampler off() {
    return new MemberLagSampler("", "", Duration.ZERO);
  }

  /** On the poll thread, after a poll. */
  void sampleIfDue(KafkaConsumer<String, String> consumer) {
    long now = System.currentTimeMillis();
    if (intervalMs <= 0 || now < nextSample) {
      return;
    }
    nextSample = now + intervalMs;
    if (lag == null) {
      lag = Meters.memberLag(group, member);
      waiting = Meters.memberWaiting(group, member);
    }
    Set<TopicPartition> owned = consumer.assignment();
    try {
      long total = 0;
      long notFetched = 0;
      if (!owned.isEmpty()) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(owned, TIMEOUT);
        Map<TopicPartition, Long> end = consumer.endOffsets(owned, TIMEOUT);
        // a partition nobody committed yet counts from its first record
        boolean uncommitted = owned.stream().anyMatch(p -> committed.get(p) == null);
        Map<TopicPartition, Long> start =
            uncommitted ? consumer.beginningOffsets(owned, TIMEOUT) : Map.of();
        for (TopicPartition partition : owned) {
          OffsetAndMetadata done = committed.get(partition);
          long from = done != null ? done.offset() : start.getOrDefault(partition, 0L);
          total += Math.max(0, end.getOrDefault(partition, from) - from);
          // not fetched yet = not started: a record is handed to the stage when polled, so runs
          // in progress (a sleeping delay run too) are behind the position, waiting ones after it
          long position = consumer.position(partition, TIMEOUT);
          notFetched += Math.max(0, end.getOrDefault(partition, position) - position);
        }
      }
      lag.set(total);
      waiting.set(notFetched);
    } catch (WakeupException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.debug("{}: lag sample failed: {}", member, e.toString());
    }
  }
}
