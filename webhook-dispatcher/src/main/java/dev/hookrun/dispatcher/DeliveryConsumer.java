package dev.hookrun.dispatcher;

import dev.hookrun.common.kafka.ConsumerLoop;
import dev.hookrun.common.kafka.OffsetCommitter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What the results consumer and the retry-tier consumer share: both feed one {@link
 * DeliveryService}, so both stop fetching while it is saturated and start again when it has room,
 * and both commit through an {@link OffsetCommitter} only what the service has made durable. Each
 * keeps how it reads its own records.
 */
abstract class DeliveryConsumer implements ConsumerLoop.Listener {

  protected final Vertx vertx;
  protected final DeliveryService service;
  protected ConsumerLoop loop;
  protected OffsetCommitter committer;

  DeliveryConsumer(Vertx vertx, DeliveryService service) {
    this.vertx = vertx;
    this.service = service;
  }

  @Override
  public final void onAttached(ConsumerLoop loop) {
    this.loop = loop;
    this.committer = new OffsetCommitter(vertx, loop);
    service.onCapacity(() -> loop.setPaused(false));
  }

  @Override
  public final void onRecords(List<ConsumerRecord<String, String>> records) {
    accept(records);
    if (service.saturated()) {
      loop.setPaused(true);
    }
  }

  /** Takes a batch, in order; attempts run on after this returns. */
  protected abstract void accept(List<ConsumerRecord<String, String>> records);

  /** A record that is not what this consumer reads: logged, counted, and its offset finished. */
  protected final void skipUnreadable(
      ConsumerRecord<String, String> record, RuntimeException error) {
    loop.skipUnreadable(record, error);
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    committer.started(partition, record.offset());
    committer.finished(partition, record.offset());
  }

  @Override
  public Future<Map<TopicPartition, OffsetAndMetadata>> onRevoked(Set<TopicPartition> partitions) {
    return committer.revoked(partitions);
  }

  @Override
  public void onLost(Set<TopicPartition> partitions) {
    committer.lost(partitions);
  }
}
