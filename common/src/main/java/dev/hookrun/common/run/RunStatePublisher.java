package dev.hookrun.common.run;

import dev.hookrun.common.kafka.Topics;
import io.vertx.core.Future;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes run states to the compacted run-state topic, keyed by run id so every state of a run
 * lands in one partition, in order per producer.
 */
public final class RunStatePublisher {

  /**
   * Header naming the stage that wrote a state, the same as its {@code source} field: readers
   * that want one stage's states skip the others without decoding them.
   */
  public static final String SOURCE_HEADER = "hookrun-source";

  private static final Logger LOG = LoggerFactory.getLogger(RunStatePublisher.class);

  private final KafkaProducer<String, String> producer;
  private final Topics topics;

  public RunStatePublisher(KafkaProducer<String, String> producer, Topics topics) {
    this.producer = producer;
    this.topics = topics;
  }

  public Future<Void> publish(RunState state) {
    var record = KafkaProducerRecord.create(topics.runState(), state.runId(), state.toJson().encode());
    if (state.source() != null) {
      record.addHeader(SOURCE_HEADER, state.source());
    }
    return producer.send(record)
        .onFailure(e -> LOG.warn("run {}: state {} not published: {}", state.runId(), state.status().wire(), e.toString()))
        .mapEmpty();
  }
}
