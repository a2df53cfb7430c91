package dev.hookrun.scheduler;

import dev.hookrun.common.kafka.ConsumerLoop;
import dev.hookrun.common.kafka.OffsetCommitter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The requests consumer's side of the scheduler: hands each request to the {@link Scheduler},
 * commits a request's offset once its run finished, and tells the scheduler its share of the
 * partitions as they come and go.
 */
final class RequestIntake implements ConsumerLoop.Listener, Scheduler.Offsets {

  private final Vertx vertx;
  private final int totalPartitions;
  private final Set<TopicPartition> owned = new HashSet<>();
  private Scheduler scheduler;
  private ConsumerLoop loop;
  private OffsetCommitter committer;

  RequestIntake(Vertx vertx, int totalPartitions) {
    this.vertx = vertx;
    this.totalPartitions = totalPartitions;
  }

  /** Called once, before the loop starts. */
  void feed(Scheduler scheduler) {
    this.scheduler = scheduler;
    scheduler.ownShare(0, totalPartitions);
  }

  @Override
  public void onAttached(ConsumerLoop loop) {
    this.loop = loop;
    this.committer = new OffsetCommitter(vertx, loop);
  }

  @Override
  public void onRecords(List<ConsumerRecord<String, String>> records) {
    for (ConsumerRecord<String, String> record : records) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      committer.started(partition, record.offset());
      RequestRecord request;
      try {
        request = RequestRecord.of(record);
      } catch (RuntimeException e) {
        // will not become readable by reading it again: logged, counted, left behind
        loop.skipUnreadable(record, e);
        committer.finished(partition, record.offset());
        continue;
      }
      scheduler.onRequest(request);
    }
    scheduler.release();
  }

  @Override
  public void finished(TopicPartition partition, long offset) {
    committer.finished(partition, offset);
  }

  @Override
  public Future<Map<TopicPartition, OffsetAndMetadata>> onRevoked(Set<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = committer.release(partitions);
    leave(partitions);
    return Future.succeededFuture(offsets);
  }

  @Override
  public void onAssigned(Set<TopicPartition> partitions) {
    owned.addAll(partitions);
    scheduler.ownShare(owned.size(), totalPartitions);
    scheduler.release();
  }

  @Override
  public void onLost(Set<TopicPartition> partitions) {
    committer.lost(partitions);
    leave(partitions);
  }

  private void leave(Set<TopicPartition> partitions) {
    scheduler.forget(partitions);
    owned.removeAll(partitions);
    scheduler.ownShare(owned.size(), totalPartitions);
  }
}
