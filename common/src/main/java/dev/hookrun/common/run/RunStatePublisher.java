package dev.hookrun.common.run;

import dev.hookrun.common.kafka.Topics;
import io.vertx.core.Future;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes delivery states to the compacted state topic, keyed by run id so every state of a run's
 * delivery lands in one partition, in order. Only dispatchers write there, one step after another,
 * so the last record of a key — the one compaction keeps — is always the newest.
 */
public final class RunStatePublisher {

  /**
   * Header naming the stage that wrote a state, the same as its {@code source} field: readers that
   * want one stage's states skip the others without decoding them.
   */
  public static final String SOURCE_HEADER = "hookrun-source";

  private static final Logger LOG = LoggerFactory.getLogger(RunStatePublisher.class);

  private final KafkaProducer<String, String> producer;
  private final Topics topics;

  public RunStatePublisher(KafkaProducer<String, String> producer, Topics topics) {
    this.producer = producer;
    this.topics = topics;
  }

  public Future<Void> publish(DeliveryState state) {
    var record =
        KafkaProducerRecord.create(topics.deliveries(), state.runId(), state.toJson().encode());
    record.addHeader(SOURCE_HEADER, "dispatcher");
    return producer
        .send(record)
        .onFailure(
            e ->
                LOG.warn(
                    "run {}: delivery state {} not published: {}",
                    state.runId(),
                    state.webhook().status(),
                    e.toString()))
        .mapEmpty();
  }
}
