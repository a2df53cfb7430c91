package dev.hookrun.gateway;

import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.RunRequest;
import io.vertx.core.Future;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;

/**
 * Publishes accepted requests to the requests topic. A future that succeeds means the broker has
 * the record on every in-sync replica (acks=all): only then may the gateway answer 202.
 */
final class RequestPublisher {

  private final KafkaProducer<String, String> producer;
  private final Topics topics;
  private final KafkaAvailability availability;

  RequestPublisher(KafkaProducer<String, String> producer, Topics topics, KafkaAvailability availability) {
    this.producer = producer;
    this.topics = topics;
    this.availability = availability;
  }

  Future<Void> publish(RunRequest request) {
    if (!availability.admit()) {
      return Future.failedFuture(new KafkaAvailability.Unavailable());
    }
    var record = KafkaProducerRecord.create(topics.requests(), request.runId(), request.toJson().encode());
    return producer.send(record)
        .onSuccess(meta -> availability.succeeded())
        .onFailure(availability::failed)
        .mapEmpty();
  }
}
