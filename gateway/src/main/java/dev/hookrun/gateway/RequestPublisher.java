package dev.hookrun.gateway;

import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.RunRequest;
import io.vertx.core.Future;

/**
 * Publishes accepted requests to the requests topic, keyed by run id. A future that succeeds
 * means the broker has the record on every in-sync replica: only then may the gateway answer 202.
 */
final class RequestPublisher {

  private final KafkaSender sender;
  private final Topics topics;

  RequestPublisher(KafkaSender sender, Topics topics) {
    this.sender = sender;
    this.topics = topics;
  }

  Future<Void> publish(RunRequest request) {
    return sender.send(topics.requests(), request.runId(), request.toJson().encode());
  }
}
