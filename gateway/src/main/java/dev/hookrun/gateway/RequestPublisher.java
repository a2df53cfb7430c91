package dev.hookrun.gateway;

import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.common.run.RunRequest;
import io.vertx.core.Future;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes accepted requests to the requests topic, keyed by run id. A future that succeeds
 * means the broker has the record on every in-sync replica: only then may the gateway answer 202.
 * The record is also the run's {@code queued} state: its headers carry what every gateway's view
 * needs, so they fold it in without decoding the model's input.
 */
final class RequestPublisher {

  private final KafkaSender sender;
  private final Topics topics;

  RequestPublisher(KafkaSender sender, Topics topics) {
    this.sender = sender;
    this.topics = topics;
  }

  Future<Void> publish(RunRequest request) {
    var record = new ProducerRecord<>(topics.requests(), request.runId(), request.toJson().encode());
    record.headers()
        .add(RunHeaders.PROJECT, RunHeaders.bytes(request.project()))
        .add(RunHeaders.APP, RunHeaders.bytes(request.app()))
        .add(RunHeaders.CREATED_AT, RunHeaders.bytes(Long.toString(request.createdAt().toEpochMilli())));
    if (request.retryOf() != null) {
      record.headers().add(RunHeaders.RETRY_OF, RunHeaders.bytes(request.retryOf()));
    }
    if (request.webhookEndpoint() != null) {
      record.headers().add(RunHeaders.WEBHOOK, RunHeaders.bytes(request.webhookEndpoint()));
    }
    return sender.send(record);
  }
}
