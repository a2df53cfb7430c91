package dev.hookrun.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Commits what a consumer has finished, per partition, only below its oldest unfinished record,
 * batching commits a little so a burst of finished deliveries makes one commit, not thousands. A
 * commit that fails is tried again with back-off (with whatever is committable by then), so
 * finished work is committed even if nothing else finishes afterwards. Used on the owner's context
 * only.
 */
public final class OffsetCommitter {

  private static final long COMMIT_DELAY_MS = 100;
  private static final long MAX_RETRY_DELAY_MS = 5_000;

  private final Vertx vertx;
  private final ConsumerLoop loop;
  private final OffsetTracker tracker = new OffsetTracker();
  private boolean commitScheduled;
  private long retryDelayMs = COMMIT_DELAY_MS;

  public OffsetCommitter(Vertx vertx, ConsumerLoop loop) {
    this.vertx = vertx;
    this.loop = loop;
    loop.settleWith(this::settle);
  }

  public void started(TopicPartition partition, long offset) {
    tracker.started(partition, offset);
  }

  public void finished(TopicPartition partition, long offset) {
    tracker.finished(partition, offset);
    scheduleCommit(COMMIT_DELAY_MS);
  }

  /**
   * A record whose handler threw, settled by the stage: finished, whether or not the handler got as
   * far as starting it. Ignored for a partition this member no longer owns.
   */
  void settle(TopicPartition partition, long offset) {
    if (!loop.assignment().contains(partition)) {
      return;
    }
    tracker.started(partition, offset);
    finished(partition, offset);
  }

  private void scheduleCommit(long delayMs) {
    if (commitScheduled) {
      return;
    }
    commitScheduled = true;
    vertx.setTimer(
        delayMs,
        t -> {
          commitScheduled = false;
          Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable();
          loop.commit(
              offsets,
              () -> {
                tracker.markCommitted(offsets);
                retryDelayMs = COMMIT_DELAY_MS;
              },
              () -> {
                retryDelayMs = Math.min(MAX_RETRY_DELAY_MS, retryDelayMs * 2);
                scheduleCommit(retryDelayMs);
              });
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
