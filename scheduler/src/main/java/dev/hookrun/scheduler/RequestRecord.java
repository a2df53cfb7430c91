package dev.hookrun.scheduler;

import dev.hookrun.common.run.Priority;
import dev.hookrun.common.run.RunRequest;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * A request read from the requests topic: where it is (its offset finishes when the run does), the
 * run it asks for, and the value and headers it is handed to the workers with, unchanged.
 */
record RequestRecord(
    TopicPartition partition,
    long offset,
    RunRequest request,
    Priority priority,
    String value,
    Header[] headers) {

  String runId() {
    return request.runId();
  }

  /**
   * @throws RuntimeException for a record that is not a request
   */
  static RequestRecord of(ConsumerRecord<String, String> record) {
    RunRequest request = RunRequest.fromJson(new JsonObject(record.value()));
    return new RequestRecord(
        new TopicPartition(record.topic(), record.partition()),
        record.offset(),
        request,
        request.priority(),
        record.value(),
        record.headers().toArray());
  }
}
