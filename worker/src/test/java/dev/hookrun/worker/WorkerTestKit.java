package dev.hookrun.worker;

import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.kafka.PlatformTopics;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.common.run.RunRequest;
import dev.hookrun.common.run.WorkerHeartbeat;
import dev.hookrun.testkit.SharedTestBroker;
import dev.hookrun.testkit.TopicReader;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Drives workers directly through Kafka, as the scheduler would: released runs in on the work
 * topic, outcomes, run states and heartbeats read back from their topics. One instance = one
 * isolated installation.
 */
final class WorkerTestKit implements AutoCloseable {

  final KafkaSettings kafka;
  final String group = "workers-" + UUID.randomUUID();
  private final KafkaProducer<String, String> producer;

  WorkerTestKit(Duration sessionTimeout) {
    kafka =
        KafkaSettings.local(SharedTestBroker.bootstrapServers(), "wk-" + UUID.randomUUID() + ".")
            .withSessionTimeout(sessionTimeout);
    try {
      TopicInitializer.ensureBlocking(
          kafka,
          List.of(
              PlatformTopics.work(kafka),
              PlatformTopics.workers(kafka),
              PlatformTopics.results(kafka),
              PlatformTopics.deliveries(kafka, Duration.ofHours(1)),
              PlatformTopics.cancels(kafka, Duration.ofHours(1))));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
            new StringSerializer(),
            new StringSerializer());
  }

  WorkerConfig config(String workerId) {
    return WorkerConfig.defaults(kafka, workerId)
        .withGroupId(group)
        .withDrainTimeout(Duration.ofSeconds(5));
  }

  /** Queues a delay run; returns its id. */
  String submit(double delayMins) {
    return submit(delayMins, null);
  }

  String submit(double delayMins, Instant expiresAt) {
    String runId = UUID.randomUUID().toString();
    submit(
        new RunRequest(
            runId,
            "p",
            "webhook-delay-example",
            new JsonObject().put("delayMins", delayMins),
            "http://127.0.0.1:9/hook",
            Instant.now(),
            expiresAt));
    return runId;
  }

  void submit(RunRequest request) {
    submit(request, 1);
  }

  /** Releases the run to the workers as the scheduler does, as its {@code attempt}-th time. */
  void submit(RunRequest request, int attempt) {
    var record =
        new ProducerRecord<>(kafka.topics().work(), request.runId(), request.toJson().encode());
    record.headers().add(RunHeaders.ATTEMPT, RunHeaders.bytes(Integer.toString(attempt)));
    try {
      producer.send(record).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The newest heartbeat of every worker instance, by its name. */
  Map<String, WorkerHeartbeat> heartbeats() {
    Map<String, WorkerHeartbeat> out = new HashMap<>();
    for (var record : TopicReader.readAll(kafka.bootstrapServers(), kafka.topics().workers())) {
      out.put(record.key(), WorkerHeartbeat.fromJson(new JsonObject(record.value())));
    }
    return out;
  }

  /** Outcomes on the results topic, per run id. */
  Map<String, List<JsonObject>> outcomes() {
    return TopicReader.readAll(kafka.bootstrapServers(), kafka.topics().results()).stream()
        .filter(r -> RunHeaders.isOutcome(r.headers()))
        .collect(
            Collectors.groupingBy(
                r -> r.key(),
                HashMap::new,
                Collectors.mapping(r -> new JsonObject(r.value()), Collectors.toList())));
  }

  /** Which workers published a "running" record for the run, in order. */
  List<String> runningOn(String runId) {
    return runningOn().getOrDefault(runId, List.of());
  }

  /** For every run: the workers that published a "running" record for it, in order (one read). */
  Map<String, List<String>> runningOn() {
    Map<String, List<String>> out = new HashMap<>();
    for (var record : TopicReader.readAll(kafka.bootstrapServers(), kafka.topics().results())) {
      JsonObject value = new JsonObject(record.value());
      if (!value.containsKey("status")) { // a running record has no status: only outcomes do
        out.computeIfAbsent(record.key(), k -> new java.util.ArrayList<>())
            .add(value.getString("worker_id"));
      }
    }
    return out;
  }

  /**
   * Members of the workers' share group that have partitions of the work topic to fetch from, as
   * its coordinator sees them now (a member joins first and gets its assignment on a later
   * heartbeat).
   */
  long shareGroupMembers() {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      return admin
          .describeShareGroups(List.of(group))
          .describedGroups()
          .get(group)
          .get()
          .members()
          .stream()
          .filter(m -> !m.assignment().topicPartitions().isEmpty())
          .count();
    } catch (Exception e) {
      return 0;
    }
  }

  /** The env of a worker process of this installation. */
  Map<String, String> processEnv(String workerId) {
    return Map.of(
        "KAFKA_BOOTSTRAP_SERVERS",
        kafka.bootstrapServers(),
        "TOPIC_PREFIX",
        kafka.topicPrefix(),
        "WORKER_GROUP_ID",
        group,
        "WORKER_ID",
        workerId,
        "KAFKA_SESSION_TIMEOUT",
        kafka.sessionTimeout().toSeconds() + "s",
        "HTTP_PORT",
        "0");
  }

  @Override
  public void close() {
    producer.close();
  }
}
