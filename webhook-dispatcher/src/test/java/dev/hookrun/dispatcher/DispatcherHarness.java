package dev.hookrun.dispatcher;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunState;
import dev.hookrun.common.run.RunStatus;
import dev.hookrun.kafka.SharedTestBroker;
import dev.hookrun.testkit.TopicReader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One test's isolated slice of the shared broker (its own topic prefix and group), a way to put
 * results on the results topic as a worker would, and readers for what the dispatcher wrote.
 */
final class DispatcherHarness implements AutoCloseable {

  final Vertx vertx = Vertx.vertx();
  final KafkaSettings kafka;
  final String groupId = "dispatchers-" + UUID.randomUUID();
  private final KafkaProducer<String, String> producer;

  DispatcherHarness(String name) {
    kafka = KafkaSettings.local(SharedTestBroker.bootstrapServers(), name + "-" + UUID.randomUUID() + ".")
        .withSessionTimeout(Duration.ofSeconds(6));
    producer = new KafkaProducer<>(KafkaClientProperties.asObjects(
        KafkaClientProperties.producer(kafka, "test-results", Duration.ofSeconds(20))));
  }

  /** Defaults, this test's group, loopback allowed (receivers are on 127.0.0.1), short retries. */
  DispatcherConfig config(String schedule) {
    return DispatcherConfig.defaults(kafka).withGroupId(groupId)
        .withAllowedNetworks(List.of("127.0.0.0/8")).withRetrySchedule(schedule);
  }

  DispatcherVerticle deploy(DispatcherConfig config) {
    return deploy(config, null);
  }

  DispatcherVerticle deploy(DispatcherConfig config, Resolver resolver) {
    DispatcherVerticle verticle = new DispatcherVerticle(config, resolver);
    vertx.deployVerticle(verticle).await();
    return verticle;
  }

  static RunResult result(String runId, String project, String endpoint) {
    Instant t = Instant.now();
    return new RunResult(runId, project, "webhook-delay-example", RunStatus.SUCCEEDED,
        new JsonObject().put("delayMins", 0).put("message", "done"), null, 3, t.minusSeconds(1),
        t.minusMillis(3), t, endpoint, "w1");
  }

  /** Puts a result on the results topic, as a worker does, and waits for the ack. */
  String publish(RunResult result) {
    try {
      producer.send(new ProducerRecord<>(kafka.topics().results(), result.runId(), result.toJson().encode()))
          .get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return result.runId();
  }

  String publish(String project, String endpoint) {
    return publish(result("run-" + UUID.randomUUID(), project, endpoint));
  }

  /** The latest run state the dispatcher published for a run, if any. */
  Optional<RunState> dispatcherState(String runId) {
    return TopicReader.valuesFor(kafka.bootstrapServers(), kafka.topics().runState(), runId).stream()
        .map(RunState::fromJson)
        .filter(s -> "dispatcher".equals(s.source()))
        .reduce((a, b) -> b);
  }

  List<RunState> dispatcherStates(String runId) {
    return TopicReader.valuesFor(kafka.bootstrapServers(), kafka.topics().runState(), runId).stream()
        .map(RunState::fromJson)
        .filter(s -> "dispatcher".equals(s.source()))
        .sorted(Comparator.comparing(s -> s.webhook().attempts()))
        .toList();
  }

  List<ConsumerRecord<String, String>> deadLetterRecords(String runId) {
    return TopicReader.readAll(kafka.bootstrapServers(), kafka.topics().deadLetters()).stream()
        .filter(r -> runId.equals(r.key()))
        .toList();
  }

  static String header(ConsumerRecord<String, String> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    vertx.close().await();
  }
}
