package dev.hookrun.dispatcher;

import dev.hookrun.common.delivery.DeliveryRecord;
import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.common.run.RunProgress;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunStarted;
import dev.hookrun.common.run.WebhookEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the workers' results and makes each one's first delivery attempt. Attempts run concurrently
 * and the consumer keeps reading while they are in flight, so one slow receiver holds up nobody; a
 * result's offset is committed once its delivery's next step is durable.
 */
final class ResultsConsumer extends DeliveryConsumer {

  private static final Logger LOG = LoggerFactory.getLogger(ResultsConsumer.class);

  private final DeliveryLedger ledger;
  private final DispatcherMetrics metrics;
  private final Clock clock;
  private final LifecycleEvents events;

  ResultsConsumer(
      Vertx vertx,
      DeliveryService service,
      DeliveryLedger ledger,
      DispatcherMetrics metrics,
      Clock clock,
      LifecycleEvents events) {
    super(vertx, service);
    this.events = events;
    this.ledger = ledger;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  protected void accept(List<ConsumerRecord<String, String>> records) {
    for (ConsumerRecord<String, String> record : records) {
      accept(record);
    }
  }

  private void accept(ConsumerRecord<String, String> record) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    long offset = record.offset();
    committer.started(partition, offset);
    switch (RunHeaders.kind(record.headers())) {
      case RunHeaders.KIND_RUNNING -> {
        // best effort, and never held for: its offset is done whatever becomes of the event
        committer.finished(partition, offset);
        events.started(RunStarted.fromJson(new JsonObject(record.value())));
        return;
      }
      case RunHeaders.KIND_PROGRESS -> {
        committer.finished(partition, offset);
        events.progress(RunProgress.fromJson(new JsonObject(record.value())));
        return;
      }
      default -> {} // an outcome: delivered below
    }
    RunResult result;
    try {
      result = RunResult.fromJson(new JsonObject(record.value()));
    } catch (RuntimeException e) {
      skipUnreadable(record, e);
      return;
    }
    if (result.webhookEndpoint() == null || !WebhookEvents.wantsFinal(result.webhookEvents())) {
      committer.finished(
          partition, offset); // a synchronous or polled run, or one that asked not to be told
      return;
    }
    if (ledger.isClaimed(result.runId())) {
      // a second result for the run (a worker re-ran it): its webhook is already taken care of
      metrics.countDuplicateSkipped();
      LOG.info(
          "run {}: another result, but its webhook delivery already exists; not delivering it again",
          result.runId());
      committer.finished(partition, offset);
      return;
    }
    ledger.claim(result.runId());
    var origin = new DeliveryRecord.Origin(record.topic(), record.partition(), offset);
    // a start or progress event still on its way goes first: never after the completed one
    events
        .beforeCompleted(result.runId())
        .compose(v -> service.deliver(DeliveryRecord.first(result, origin, clock.instant())))
        .onSuccess(v -> committer.finished(partition, offset));
  }

  /** The dispatcher's policy for a result it failed on: dead-lettered ({@code handler_error}). */
  @Override
  public Future<Void> onRecordFailed(
      ConsumerRecord<String, String> record, RuntimeException error) {
    RunResult result;
    try {
      result = RunResult.fromJson(new JsonObject(record.value()));
    } catch (RuntimeException e) {
      return Future.succeededFuture(); // nothing to deliver from it: the loop counts and skips it
    }
    if (result.webhookEndpoint() == null) {
      return Future.succeededFuture();
    }
    ledger.claim(result.runId());
    var origin = new DeliveryRecord.Origin(record.topic(), record.partition(), record.offset());
    return service.settleFailed(DeliveryRecord.first(result, origin, clock.instant()), error);
  }
}
