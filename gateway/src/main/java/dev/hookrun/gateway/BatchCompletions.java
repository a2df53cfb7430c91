package dev.hookrun.gateway;

import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.BatchCompletion;
import dev.hookrun.common.run.RunHeaders;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a batch's completion to the results topic once every item has ended, for the dispatchers
 * to deliver as its {@code batch.completed} webhook (docs/decisions.md, "Batches").
 *
 * <p>Any gateway that sees a batch complete writes it, unless it has already read one: the record
 * is keyed by batch id, so copies from several gateways land in one partition, and the dispatchers'
 * ledger, which keeps one delivery per key, sends one webhook. A gateway writes nothing while it
 * re-reads the topics at start (the completion it would write may be further on); once caught up it
 * writes those of the complete batches it has not read one for, so a batch that completed while
 * every gateway was down is not forgotten. A failed write is tried again until it lands.
 */
final class BatchCompletions {

  private static final Logger LOG = LoggerFactory.getLogger(BatchCompletions.class);
  private static final long RETRY_MS = 1_000;

  private final Vertx vertx;
  private final KafkaSender sender;
  private final Topics topics;
  private final BatchView batches;
  private final Clock clock;
  private final Set<String> writing = new HashSet<>();
  private boolean live;

  BatchCompletions(Vertx vertx, KafkaSender sender, Topics topics, BatchView batches, Clock clock) {
    this.vertx = vertx;
    this.sender = sender;
    this.topics = topics;
    this.batches = batches;
    this.clock = clock;
    batches.onComplete(this::completed);
  }

  /** The view has caught up with the topics: from now on completions are written. */
  void live() {
    live = true;
    for (BatchView.Batch batch : batches.all()) {
      if (batch.complete()) {
        completed(batch);
      }
    }
  }

  private void completed(BatchView.Batch batch) {
    BatchRecord record = batch.record();
    if (!live
        || batch.completionWritten()
        || record.webhookEndpoint() == null
        || !BatchRequestParser.wantsCompletion(record.webhookEvents())
        || !writing.add(batch.batchId())) {
      return;
    }
    write(batch);
  }

  private void write(BatchView.Batch batch) {
    BatchRecord record = batch.record();
    String value =
        BatchCompletion.of(
                batch.batchId(),
                record.project(),
                record.app(),
                batch.counts(),
                record.webhookEndpoint(),
                record.createdAt(),
                batch.completedAt() != null ? batch.completedAt() : clock.instant())
            .toJson()
            .encode();
    var completion = new ProducerRecord<>(topics.results(), batch.batchId(), value);
    completion
        .headers()
        .add(RunHeaders.KIND, RunHeaders.bytes(RunHeaders.KIND_BATCH))
        .add(RunHeaders.PROJECT, RunHeaders.bytes(record.project()));
    sender
        .send(completion)
        .onComplete(
            sent -> {
              if (sent.succeeded()) {
                writing.remove(batch.batchId());
                batches.completionWritten(batch.batchId());
                LOG.info("batch {} completed: {}", batch.batchId(), batch.counts().encode());
                return;
              }
              LOG.warn(
                  "batch {}: completion not written ({}), trying again in {} ms",
                  batch.batchId(),
                  sent.cause().toString(),
                  RETRY_MS);
              vertx.setTimer(
                  RETRY_MS,
                  t -> {
                    if (batches.get(batch.batchId()) == batch && !batch.completionWritten()) {
                      write(batch);
                    } else {
                      writing.remove(batch.batchId());
                    }
                  });
            });
  }
}
