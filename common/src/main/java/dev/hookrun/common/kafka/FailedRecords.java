package dev.hookrun.common.kafka;

import dev.hookrun.common.metrics.Meters;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link ConsumerLoop} does with a record whose handler threw: log it, count it, let the
 * stage settle it its way ({@link ConsumerLoop.Listener#onRecordFailed}), then finish its offset
 * through whoever tracks offsets (the stage's {@link OffsetCommitter}), so one bad record never
 * stops its partition. Runs on the stage's context.
 */
final class FailedRecords {

  private static final Logger LOG = LoggerFactory.getLogger(FailedRecords.class);

  private final ConsumerLoop.Listener listener;
  private final String name;
  private final String meterName;
  private final List<BiConsumer<TopicPartition, Long>> settlers = new CopyOnWriteArrayList<>();

  FailedRecords(ConsumerLoop.Listener listener, String name, String meterName) {
    this.listener = listener;
    this.name = name;
    this.meterName = meterName;
  }

  void settleWith(BiConsumer<TopicPartition, Long> settler) {
    settlers.add(settler);
  }

  void failed(ConsumerRecord<String, String> record, RuntimeException error) {
    LOG.error(
        "{}: handling the record at {}-{}@{} failed; settling it and going on with the batch",
        name,
        record.topic(),
        record.partition(),
        record.offset(),
        error);
    Meters.recordSettled(meterName, "handler_error");
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    Future<Void> settled;
    try {
      settled = listener.onRecordFailed(record, error);
    } catch (RuntimeException e) {
      settled = Future.failedFuture(e);
    }
    settled.onComplete(
        done -> {
          if (done.succeeded()) {
            settlers.forEach(s -> s.accept(partition, record.offset()));
          } else {
            LOG.error(
                "{}: could not settle the record at {}@{}; it stays uncommitted: {}",
                name,
                partition,
                record.offset(),
                done.cause().toString());
          }
        });
  }
}
