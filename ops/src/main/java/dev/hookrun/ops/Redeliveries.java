package dev.hookrun.ops;

import dev.hookrun.common.delivery.DeliveryRecord;
import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.WebhookState;
import dev.hookrun.ops.model.RecordView;
import dev.hookrun.ops.model.Trace;
import dev.hookrun.ops.model.TraceEntry;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator's redelivery: a run whose webhook was delivered is sent to its endpoint once more, on
 * purpose (the receiver lost it, or was fixed and wants it again). The run's result, read back from
 * the results topic, goes onto the first retry tier as a {@link DeliveryRecord#redelivery} that the
 * dispatchers' delivered check lets through once; it is retried and dead-lettered like any
 * delivery. A run still being delivered, or dead-lettered, is refused: its own chain (or the
 * dead-letter replay) carries it, and a second chain would send it twice.
 */
final class Redeliveries {

  /** On the retry-tier record: who asked, so the run's trace says so. */
  static final String HEADER = "hookrun-redelivery";

  private static final Logger LOG = LoggerFactory.getLogger(Redeliveries.class);
  private static final long SEND_TIMEOUT_S = 30;

  private final KafkaAccess access;
  private final Clock clock;

  Redeliveries(KafkaAccess access, Clock clock) {
    this.access = access;
    this.clock = clock;
  }

  /** Queues the redelivery of {@code trace}'s run; answers what was written where. */
  JsonObject redeliver(Trace trace) {
    String runId = trace.runId();
    RecordView resultRecord = null;
    boolean delivered = false;
    for (TraceEntry entry : trace.entries()) {
      RecordView record = entry.record();
      String kind = record.headers().get(RunHeaders.KIND);
      boolean outcome =
          !RunHeaders.KIND_RUNNING.equals(kind) && !RunHeaders.KIND_PROGRESS.equals(kind);
      if (record.topic().equals(access.kafka().topics().results()) && outcome) {
        resultRecord = record;
      }
      if (record.topic().equals(access.kafka().topics().deliveries())) {
        JsonObject webhook = record.valueObject().getJsonObject("webhook");
        delivered |= webhook != null && WebhookState.DELIVERED.equals(webhook.getString("status"));
      }
    }
    if (resultRecord == null) {
      throw OpsException.notFound(
          "Run " + runId + " has no result in " + Topics.RESULTS + " (within its retention).");
    }
    RunResult result = RunResult.fromJson(resultRecord.valueObject());
    if (result.webhookEndpoint() == null) {
      throw OpsException.notFound("Run " + runId + " has no webhook endpoint.");
    }
    if (!delivered) {
      throw new OpsException(
          OpsException.Kind.NOT_DELIVERED,
          "Run "
              + runId
              + "'s webhook was not delivered: it is still being attempted or waits in the dead"
              + " letters (replay it there).");
    }
    Instant now = clock.instant();
    DeliveryRecord redelivery =
        DeliveryRecord.redelivery(
            result,
            new DeliveryRecord.Origin(
                resultRecord.topic(), resultRecord.partition(), resultRecord.offset()),
            now);
    String tier = access.kafka().topics().retryTier(1);
    ProducerRecord<String, String> record =
        new ProducerRecord<>(tier, runId, redelivery.toJson().encode());
    record.headers().add(HEADER, "operator".getBytes(StandardCharsets.UTF_8));
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.producer(
                    access.kafka(), "hookrun-redeliveries", Duration.ofSeconds(SEND_TIMEOUT_S))))) {
      var written = producer.send(record).get(SEND_TIMEOUT_S, TimeUnit.SECONDS);
      LOG.info("run {}: webhook redelivery queued by an operator", runId);
      return new JsonObject()
          .put("run_id", runId)
          .put("webhook_endpoint", result.webhookEndpoint())
          .put("redelivery_requested_at", now.toString())
          .put("queued", written.topic() + "/" + written.partition() + "@" + written.offset());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw OpsException.unavailable("interrupted while writing to " + tier);
    } catch (ExecutionException | TimeoutException e) {
      throw OpsException.unavailable("could not write to " + tier + ": " + e.getMessage());
    }
  }
}
