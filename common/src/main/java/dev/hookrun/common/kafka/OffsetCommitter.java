package dev.hookrun.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Commits what a consumer has finished, per partition, only below its oldest unfinished record,
 * batching commits a little so a burst of finished deliveries makes one commit, not thousands.
 * Used on the owner's context only.
 */
public final class OffsetCommitter {

  private static final long COMMIT_DELAY_MS = 100;

  private final Vertx vertx;
  private final ConsumerLoop loop;
  private final OffsetTracker tracker = new OffsetTracker();
  private boolean commitScheduled;

  public OffsetCommitter(Vertx vertx, ConsumerLoop loop) {
    this.vertx = vertx;
    this.loop = loop;
  }

  public void started(TopicPartition partition, long offset) {
    tracker.started(partition, offset);
  }

  public void finished(TopicPartition partition, long offset) {
    tracker.finished(partition, offset);
    if (commitScheduled) {
      return;
    }
    commitScheduled = true;
    vertx.setTimer(COMMIT_DELAY_MS, t -> {
      commitScheduled = false;
      Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable();
      loop.commit(offsets, () -> tracker.markCommitted(offsets));
    });
  }

  public Future<Map<TopicPartition, OffsetAndMetadata>> revoked(Set<TopicPartition> partitions) {
    return Future.succeededFuture(release(partitions));
  }

  /** What may be committed for partitions that are going away; they are then forgotten. */
  public Map<TopicPartition, OffsetAndMetadata> release(Set<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable(partitions);
    tracker.forget(partitions);
    return offsets;
  }

  public void lost(Set<TopicPartition> partitions) {
    tracker.forget(partitions);
  }
}
