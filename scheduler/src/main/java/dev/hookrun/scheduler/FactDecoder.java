package dev.hookrun.scheduler;

import dev.hookrun.common.kafka.SkippingStringDeserializer;
import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.CancelCommand;
import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.common.run.WorkerHeartbeat;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Turns records of the topics the scheduler follows into {@link Fact}s. Only what the headers do
 * not say is read from a value: a {@code running} record's worker, a cancel command, a heartbeat.
 * Outcomes (which may hold a large result) and released requests (a model's input) are never
 * decoded, see {@link Values}.
 */
final class FactDecoder {

  private final Topics topics;

  FactDecoder(Topics topics) {
    this.topics = topics;
  }

  List<String> followed() {
    return List.of(topics.results(), topics.work(), topics.workers(), topics.cancels());
  }

  /** The fact of {@code record}, or null when it says nothing the scheduler uses. */
  Fact decode(ConsumerRecord<String, String> record) {
    String topic = record.topic();
    if (topic.equals(topics.results())) {
      return switch (RunHeaders.kind(record.headers())) {
        case RunHeaders.KIND_OUTCOME -> new Fact.Finished(record.key(), record.timestamp());
        case RunHeaders.KIND_RUNNING ->
            new Fact.Running(
                record.key(),
                new JsonObject(record.value()).getString("worker_id"),
                record.timestamp());
        default -> null; // progress
      };
    }
    if (topic.equals(topics.work())) {
      return new Fact.Released(record.key(), attempt(record.headers()), record.timestamp());
    }
    if (record.value() == null) {
      return null; // a tombstone: a worker removed from the compacted topic
    }
    if (topic.equals(topics.workers())) {
      return new Fact.Heartbeat(WorkerHeartbeat.fromJson(new JsonObject(record.value())));
    }
    if (topic.equals(topics.cancels())) {
      CancelCommand command = CancelCommand.fromJson(new JsonObject(record.value()));
      return new Fact.Cancelled(command.runId(), command.onlyIfQueued(), record.timestamp());
    }
    return null;
  }

  /** The attempt a work record carries; a record without one is the first. */
  static int attempt(Headers headers) {
    String value = RunHeaders.text(headers, RunHeaders.ATTEMPT);
    if (value == null) {
      return 1;
    }
    try {
      return Math.max(1, Integer.parseInt(value));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /** Leaves undecoded the values {@link #decode} never reads. */
  static final class Values extends SkippingStringDeserializer {

    private final Topics topics;

    Values(Topics topics) {
      this.topics = topics;
    }

    @Override
    protected boolean skip(String topic, Headers headers) {
      return topic.equals(topics.work())
          || (topic.equals(topics.results())
              && !RunHeaders.KIND_RUNNING.equals(RunHeaders.kind(headers)));
    }
  }
}
