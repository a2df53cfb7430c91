package dev.hookrun.common.kafka;

import java.time.Duration;

/**
 * The layout each stage asks for when it creates a missing topic. Run state is compacted (the
 * latest state per run) and also deleted after the run retention, so it does not grow forever.
 */
public final class PlatformTopics {

  private PlatformTopics() {}

  /**
   * Requests and results are also the gateways' record of every run (queued; running and outcome),
   * re-read at start for the run retention plus MAX_SCHEDULE_AHEAD, so they are kept at least that
   * long: a request scheduled a week ahead must still be there when its time comes.
   */
  public static TopicSpec requests(KafkaSettings kafka) {
    return TopicSpec.of(
            kafka.topics().requests(), kafka.requestsPartitions(), kafka.replicationFactor())
        .withConfig("retention.ms", Long.toString(runRecordRetention(kafka).toMillis()))
        // room for the largest request a gateway accepts (BODY_LIMIT plus its envelope)
        .withConfig("max.message.bytes", Integer.toString(kafka.requestLimits().maxRecordBytes()));
  }

  /**
   * Released runs: the requests the scheduler hands to the workers' share group. Kept like the
   * requests (a run of hours is still re-read by a restarted scheduler) and as large as they are.
   *
   * <p>One partition, on purpose: a share group's assignor gives each partition to some of its
   * members, not all, so with several partitions a run released to one of them waits for that
   * partition's members while the others idle (docs/decisions.md). One partition is shared by every
   * worker; it holds only released runs, about one per free slot, and takes far more per second
   * than the platform releases.
   */
  public static TopicSpec work(KafkaSettings kafka) {
    return TopicSpec.of(kafka.topics().work(), 1, kafka.replicationFactor())
        .withConfig("retention.ms", Long.toString(runRecordRetention(kafka).toMillis()))
        .withConfig("max.message.bytes", Integer.toString(kafka.requestLimits().maxRecordBytes()));
  }

  /**
   * Worker heartbeats, one key per worker process: compacted, so a restarted scheduler reads each
   * worker's newest state and nothing older. One partition: a few records per worker and second.
   */
  public static TopicSpec workers(KafkaSettings kafka) {
    return TopicSpec.of(kafka.topics().workers(), 1, kafka.replicationFactor())
        .withConfig("cleanup.policy", "compact")
        .withConfig("segment.ms", Long.toString(Duration.ofHours(1).toMillis()))
        .withConfig("min.cleanable.dirty.ratio", "0.1");
  }

  public static TopicSpec results(KafkaSettings kafka) {
    return TopicSpec.of(kafka.topics().results(), kafka.partitions(), kafka.replicationFactor())
        .withConfig("retention.ms", Long.toString(runRecordRetention(kafka).toMillis()));
  }

  private static Duration runRecordRetention(KafkaSettings kafka) {
    Duration week = Duration.ofDays(7);
    return kafka.runLookBack().compareTo(week) > 0 ? kafka.runLookBack() : week;
  }

  /** Compacted and deleted: each run's newest delivery step, for the run retention. */
  public static TopicSpec deliveries(KafkaSettings kafka, Duration retention) {
    return TopicSpec.of(kafka.topics().deliveries(), kafka.partitions(), kafka.replicationFactor())
        .withConfig("cleanup.policy", "compact,delete")
        .withConfig("retention.ms", Long.toString(retention.toMillis()))
        // compact soon after a delivery settles so a restarting gateway reads few stale steps
        .withConfig(
            "segment.ms",
            Long.toString(Math.min(retention.toMillis(), Duration.ofHours(1).toMillis())))
        .withConfig("min.cleanable.dirty.ratio", "0.1");
  }

  /**
   * Batches, one record per batch: compacted (a batch is written once, or again by an idempotent
   * repeat) and deleted like the requests it groups, so a restarted gateway re-reads both.
   */
  public static TopicSpec batches(KafkaSettings kafka) {
    return TopicSpec.of(kafka.topics().batches(), kafka.partitions(), kafka.replicationFactor())
        .withConfig("cleanup.policy", "compact,delete")
        .withConfig("retention.ms", Long.toString(runRecordRetention(kafka).toMillis()));
  }

  /** Cancel commands: one partition, read whole by every worker (a broadcast, not a group). */
  public static TopicSpec cancels(KafkaSettings kafka, Duration retention) {
    return TopicSpec.of(kafka.topics().cancels(), 1, kafka.replicationFactor())
        .withConfig("retention.ms", Long.toString(retention.toMillis()));
  }

  /**
   * Webhook deliveries waiting for their n-th retry. Kept a week, far longer than any one delay (at
   * most a day, doubled at most by a receiver's Retry-After), so even a dispatcher outage of days
   * loses no retry.
   */
  public static TopicSpec retryTier(KafkaSettings kafka, int n) {
    return TopicSpec.of(kafka.topics().retryTier(n), kafka.partitions(), kafka.replicationFactor())
        .withConfig("retention.ms", Long.toString(Duration.ofDays(7).toMillis()));
  }

  /**
   * Webhook deliveries that failed for good, keyed by run id. Compacted and never deleted by age: a
   * dead letter stays until an operator replays it, and the replay's tombstone removes it.
   */
  public static TopicSpec deadLetters(KafkaSettings kafka) {
    return TopicSpec.of(kafka.topics().deadLetters(), kafka.partitions(), kafka.replicationFactor())
        .withConfig("cleanup.policy", "compact");
  }

  /**
   * Webhook endpoints' health, one key per endpoint: compacted, so a starting dispatcher reads each
   * endpoint's newest state, never deleted by age (a disabled endpoint stays disabled until an
   * operator enables it). One partition: every dispatcher reads all of it, and the order of
   * decisions is the same for all of them.
   */
  public static TopicSpec endpoints(KafkaSettings kafka) {
    return TopicSpec.of(kafka.topics().endpoints(), 1, kafka.replicationFactor())
        .withConfig("cleanup.policy", "compact")
        .withConfig("segment.ms", Long.toString(Duration.ofHours(1).toMillis()))
        .withConfig("min.cleanable.dirty.ratio", "0.1");
  }
}
