package dev.hookrun.gateway;

import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.common.run.RunRequest;
import io.vertx.core.Future;
import java.util.UUID;
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

  /**
   * A fresh run id whose requests partition is acknowledging writes. While a broker is down, the
   * partitions it led take nothing until their leaders are re-elected; a random id lands there
   * with the odds of their share, so a handful of draws finds a healthy one. After a few tries it
   * gives up and takes the last: when everything is stalled the send decides (and the gate).
   */
  String newRunId() {
    String id = UUID.randomUUID().toString();
    for (int tries = 1; tries < 8 && sender.stalled(topics.requests(), id); tries++) {
      id = UUID.randomUUID().toString();
    }
    return id;
  }

  Future<Void> publish(RunRequest request) {
    var record = new ProducerRecord<>(topics.requests(), request.runId(), request.toJson().encode());
    record.headers()
        .add(RunHeaders.PROJECT, RunHeaders.bytes(request.project()))
        .add(RunHeaders.APP, RunHeaders.bytes(request.app()))
        .add(RunHeaders.CREATED_AT, RunHeaders.bytes(Long.toString(request.createdAt().toEpochMilli())));
    if (request.webhookEndpoint() != null) {
      record.headers().add(RunHeaders.WEBHOOK, RunHeaders.bytes(request.webhookEndpoint()));
    }
    return sender.send(record);
  }
}
