package dev.hookrun.gateway;

import dev.hookrun.common.kafka.RequestLimits;
import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.common.run.RunRequest;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;

/**
 * Publishes accepted requests to the requests topic, keyed by run id. A future that succeeds means
 * the broker has the record on every in-sync replica: only then may the gateway answer 202. The
 * record is also the run's {@code queued} state: its headers carry what every gateway's view needs,
 * so they fold it in without decoding the model's input.
 */
final class RequestPublisher {

  private final KafkaSender sender;
  private final Topics topics;
  private final RequestLimits limits;

  RequestPublisher(KafkaSender sender, Topics topics, RequestLimits limits) {
    this.sender = sender;
    this.topics = topics;
    this.limits = limits;
  }

  /**
   * A fresh key for a run without an Idempotency-Key (its run id derives from it, so a 503 {@code
   * outcome_unknown} can hand it back) whose requests partition is acknowledging writes. While a
   * broker is down, the partitions it led take nothing until their leaders are re-elected; a random
   * key lands there with the odds of their share, so a handful of draws finds a healthy one. After
   * a few tries it takes the last: when everything is stalled the send decides (and the gate).
   */
  RunIds.Named newRun(String project) {
    String key = UUID.randomUUID().toString();
    String runId = RunIds.of(project, key);
    for (int tries = 1; tries < 8 && sender.stalled(topics.requests(), runId); tries++) {
      key = UUID.randomUUID().toString();
      runId = RunIds.of(project, key);
    }
    return new RunIds.Named(key, runId);
  }

  /** Fails with a {@link SendFailure} (see {@link KafkaSender}). */
  Future<Void> publish(RunRequest request) {
    return publish(request, (RunRecords.BatchItem) null);
  }

  /**
   * Publishes a request sent with an Idempotency-Key, with the {@link RequestFingerprint} of its
   * body, which every gateway keeps to tell a repeat of the key from a reuse.
   */
  Future<Void> publish(RunRequest request, String requestHash) {
    try {
      var record = record(request, null);
      record.headers().add(RunHeaders.REQUEST_HASH, RunHeaders.bytes(requestHash));
      return sender.send(record);
    } catch (SendFailure tooLarge) {
      return Future.failedFuture(tooLarge);
    }
  }

  /**
   * Publishes a request that is an item of a batch (null: of none); the headers name the batch, so
   * every gateway rebuilds the batch's membership from the requests topic.
   */
  Future<Void> publish(RunRequest request, RunRecords.BatchItem item) {
    try {
      return sender.send(record(request, item));
    } catch (SendFailure tooLarge) {
      return Future.failedFuture(tooLarge);
    }
  }

  /**
   * The request's record, headers and all, for {@link KafkaSender#sendAll}.
   *
   * @throws SendFailure (not sent) when the record would be over the requests topic's limit
   */
  ProducerRecord<String, String> record(RunRequest request, RunRecords.BatchItem item) {
    String value = request.toJson().encode();
    var record = new ProducerRecord<>(topics.requests(), request.runId(), value);
    record
        .headers()
        .add(RunHeaders.PROJECT, RunHeaders.bytes(request.project()))
        .add(RunHeaders.APP, RunHeaders.bytes(request.app()))
        .add(
            RunHeaders.CREATED_AT,
            RunHeaders.bytes(Long.toString(request.createdAt().toEpochMilli())))
        .add(RunHeaders.PRIORITY, RunHeaders.bytes(request.priority().wire()));
    if (request.retryOf() != null) {
      record.headers().add(RunHeaders.RETRY_OF, RunHeaders.bytes(request.retryOf()));
    }
    if (request.scheduledFor() != null) {
      record
          .headers()
          .add(
              RunHeaders.SCHEDULED_FOR,
              RunHeaders.bytes(Long.toString(request.scheduledFor().toEpochMilli())));
    }
    if (request.webhookEndpoint() != null) {
      record.headers().add(RunHeaders.WEBHOOK, RunHeaders.bytes(request.webhookEndpoint()));
    }
    if (item != null) {
      record
          .headers()
          .add(RunHeaders.BATCH, RunHeaders.bytes(item.batchId()))
          .add(RunHeaders.BATCH_INDEX, RunHeaders.bytes(Integer.toString(item.index())));
      if (item.customId() != null) {
        record.headers().add(RunHeaders.CUSTOM_ID, RunHeaders.bytes(item.customId()));
      }
    }
    // A body under BODY_LIMIT can still grow past the envelope when its input is re-encoded;
    // such a record is refused here, unsent, rather than by Kafka.
    long envelope = request.runId().length();
    for (Header header : record.headers()) {
      envelope += header.key().length() + header.value().length;
    }
    // a char is at most 3 UTF-8 bytes: encode the value to count it only when that bound does
    // not already prove it fits (almost never), not once more for every request
    long worst = 3L * value.length() + envelope;
    long size =
        worst <= limits.maxValueBytes()
            ? worst
            : value.getBytes(StandardCharsets.UTF_8).length + envelope;
    if (size > limits.maxValueBytes()) {
      throw SendFailure.notSent(
          new RecordTooLargeException(
              "request record of " + size + " bytes is over " + limits.maxValueBytes()));
    }
    return record;
  }
}
