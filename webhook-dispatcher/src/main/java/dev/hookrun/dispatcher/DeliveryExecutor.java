package dev.hookrun.dispatcher;

import dev.hookrun.common.kafka.ConsumerLoop;
import dev.hookrun.common.kafka.OffsetTracker;
import dev.hookrun.common.metrics.Meters;
import dev.hookrun.common.run.RunResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the results one dispatcher receives. Deliveries run concurrently (bounded by
 * DISPATCHER_MAX_INFLIGHT), so one slow receiver does not hold up the others; offsets commit
 * per partition only below the oldest unfinished delivery.
 */
final class DeliveryExecutor implements ConsumerLoop.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(DeliveryExecutor.class);
  private static final long COMMIT_DELAY_MS = 100;

  private final Vertx vertx;
  private final WebhookSender sender;
  private final DispatcherConfig config;
  private final OffsetTracker tracker = new OffsetTracker();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private ConsumerLoop loop;
  private int inFlight;
  private boolean commitScheduled;

  DeliveryExecutor(Vertx vertx, WebhookSender sender, DispatcherConfig config) {
    this.vertx = vertx;
    this.sender = sender;
    this.config = config;
  }

  void attach(ConsumerLoop loop) {
    this.loop = loop;
  }

  long deliveredCount() {
    return delivered.get();
  }

  long failedCount() {
    return failed.get();
  }

  @Override
  public void onRecords(List<ConsumerRecord<String, String>> records) {
    for (ConsumerRecord<String, String> record : records) {
      accept(record);
    }
    if (inFlight >= config.maxInflight()) {
      loop.setPaused(true);
    }
  }

  private void accept(ConsumerRecord<String, String> record) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    long offset = record.offset();
    tracker.started(partition, offset);
    RunResult result;
    try {
      result = RunResult.fromJson(new JsonObject(record.value()));
    } catch (RuntimeException e) {
      LOG.error("skipping malformed result at {}@{}: {}", partition, offset, e.toString());
      finished(partition, offset);
      return;
    }
    if (result.webhookEndpoint() == null) {
      finished(partition, offset); // a synchronous or polled run: nothing to deliver
      return;
    }
    inFlight++;
    sender.send(result).onComplete(done -> {
      DeliveryOutcome outcome = done.result();
      if (outcome.delivered()) {
        delivered.incrementAndGet();
        Meters.deliveryAttempt("delivered");
        LOG.info("run {} webhook delivered ({})", result.runId(), outcome.statusCode());
      } else {
        // Retries and dead letters come with the delivery-policy issue; until then a failed
        // delivery is counted and logged with everything needed to redo it by hand.
        failed.incrementAndGet();
        Meters.deliveryAttempt("failed");
        LOG.warn("run {} webhook delivery to {} failed: {}", result.runId(), result.webhookEndpoint(), outcome.error());
      }
      inFlight--;
      if (inFlight < config.maxInflight() && loop.isPaused()) {
        loop.setPaused(false);
      }
      finished(partition, offset);
    });
  }

  private void finished(TopicPartition partition, long offset) {
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

  @Override
  public Future<Map<TopicPartition, OffsetAndMetadata>> onRevoked(Set<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable(partitions);
    tracker.forget(partitions);
    return Future.succeededFuture(offsets);
  }

  @Override
  public void onLost(Set<TopicPartition> partitions) {
    tracker.forget(partitions);
  }
}
