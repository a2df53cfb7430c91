package dev.hookrun.dispatcher;

import dev.hookrun.common.kafka.ConsumerLoop;
import dev.hookrun.common.kafka.OffsetTracker;
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
final class OffsetCommitter {

  private static final long COMMIT_DELAY_MS = 100;

  private final Vertx vertx;
  private final ConsumerLoop loop;
  private final OffsetTracker tracker = new OffsetTracker();
  private boolean commitScheduled;

  OffsetCommitter(Vertx vertx, ConsumerLoop loop) {
    this.vertx = vertx;
    this.loop = loop;
  }

  void started(TopicPartition partition, long offset) {
    tracker.started(partition, offset);
  }

  void finished(TopicPartition partition, long offset) {
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

  int unfinished() {
    return tracker.unfinished();
  }

  Future<Map<TopicPartition, OffsetAndMetadata>> revoked(Set<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable(partitions);
    tracker.forget(partitions);
    return Future.succeededFuture(offsets);
  }

  void lost(Set<TopicPartition> partitions) {
    tracker.forget(partitions);
  }
}
