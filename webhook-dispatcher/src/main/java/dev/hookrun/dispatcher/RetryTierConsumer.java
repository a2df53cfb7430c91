package dev.hookrun.dispatcher;

import dev.hookrun.common.delivery.DeliveryRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumes the retry tiers and makes each delivery's attempt when it falls due.
 *
 * <p>Every record of a tier waits about the same delay, so a partition is roughly in due order and
 * its head is the next one due. When a batch reaches a record that is not due yet, the consumer
 * seeks back to it and pauses that partition only, with a timer to resume it when the record falls
 * due: nothing is fetched or attempted early, nothing after the head is held in memory, and the
 * other partitions and tiers go on. One consumer (one group) reads every tier: the pausing is per
 * partition anyway, and it saves a thread and a connection per tier.
 */
final class RetryTierConsumer extends DeliveryConsumer {

  private final Clock clock;
  private final Map<TopicPartition, Long> resumeTimers = new HashMap<>();

  RetryTierConsumer(Vertx vertx, DeliveryService service, Clock clock) {
    super(vertx, service);
    this.clock = clock;
  }

  @Override
  protected void accept(List<ConsumerRecord<String, String>> records) {
    Set<TopicPartition> held = new HashSet<>();
    long now = clock.millis();
    for (ConsumerRecord<String, String> record : records) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      if (held.contains(partition)) {
        continue; // behind a record that is not due: fetched again after the seek
      }
      DeliveryRecord delivery;
      try {
        delivery = DeliveryRecord.fromJson(new JsonObject(record.value()));
      } catch (RuntimeException e) {
        skipUnreadable(record, e);
        continue;
      }
      long wait = delivery.dueAt().toEpochMilli() - now;
      if (wait > 0) {
        held.add(partition);
        holdUntilDue(partition, record.offset(), wait);
        continue;
      }
      long offset = record.offset();
      committer.started(partition, offset);
      service.deliver(delivery).onSuccess(v -> committer.finished(partition, offset));
    }
  }

  /**
   * The dispatcher's policy for a waiting delivery it failed on: dead-lettered ({@code
   * handler_error}).
   */
  @Override
  public Future<Void> onRecordFailed(
      ConsumerRecord<String, String> record, RuntimeException error) {
    try {
      return service.settleFailed(DeliveryRecord.fromJson(new JsonObject(record.value())), error);
    } catch (RuntimeException e) {
      return Future.succeededFuture(); // not a delivery: the loop counts and skips it
    }
  }

  private void holdUntilDue(TopicPartition partition, long offset, long waitMs) {
    // both take effect before the next poll: the seek runs on the poll thread, the pause just after
    loop.execute(consumer -> consumer.seek(partition, offset));
    loop.pausePartition(partition);
    Long previous =
        resumeTimers.put(
            partition,
            vertx.setTimer(
                waitMs,
                t -> {
                  resumeTimers.remove(partition);
                  loop.resumePartition(partition);
                }));
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
  }

  @Override
  public Future<Map<TopicPartition, OffsetAndMetadata>> onRevoked(Set<TopicPartition> partitions) {
    forgetTimers(partitions);
    return super.onRevoked(partitions);
  }

  @Override
  public void onLost(Set<TopicPartition> partitions) {
    forgetTimers(partitions);
    super.onLost(partitions);
  }

  private void forgetTimers(Set<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      Long timer = resumeTimers.remove(partition);
      if (timer != null) {
        vertx.cancelTimer(timer);
      }
    }
  }
}
