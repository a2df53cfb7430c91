package dev.hookrun.scheduler;

import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.kafka.PlatformTopics;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.metrics.ServiceMetrics;
import dev.hookrun.common.run.CancelCommand;
import dev.hookrun.common.run.OutcomeRecords;
import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.common.run.RunRequest;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunStarted;
import dev.hookrun.common.run.RunStatus;
import dev.hookrun.common.run.WorkerHeartbeat;
import dev.hookrun.testkit.SharedTestBroker;
import dev.hookrun.testkit.TopicReader;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Drives a scheduler through Kafka as the other stages would: a gateway's requests and cancels, a
 * fake worker's heartbeats, {@code running} records and outcomes; the work topic read back. One
 * instance = one isolated installation (its own topic prefix and group).
 */
final class SchedulerTestKit implements AutoCloseable {

  final KafkaSettings kafka;
  final String group = "scheduler-" + UUID.randomUUID();
  private final KafkaProducer<String, String> producer;
  private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();

  SchedulerTestKit() {
    kafka =
        KafkaSettings.local(SharedTestBroker.bootstrapServers(), "sc-" + UUID.randomUUID() + ".");
    try {
      TopicInitializer.ensureBlocking(
          kafka,
          List.of(
              PlatformTopics.requests(kafka),
              PlatformTopics.results(kafka),
              PlatformTopics.work(kafka),
              PlatformTopics.workers(kafka),
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

  SchedulerConfig config() {
    return SchedulerConfig.defaults(kafka).withGroupId(group);
  }

  /**
   * A worker with {@code slots} that heartbeats every 500 ms until the kit closes or the returned
   * future is cancelled (the worker dies).
   */
  ScheduledFuture<?> workerUp(String workerId, int slots) {
    return heartbeats.scheduleAtFixedRate(
        () -> heartbeat(workerId, slots, WorkerHeartbeat.State.UP), 0, 500, TimeUnit.MILLISECONDS);
  }

  void heartbeat(String workerId, int slots, WorkerHeartbeat.State state) {
    send(
        new ProducerRecord<>(
            kafka.topics().workers(),
            workerId,
            new WorkerHeartbeat(workerId, slots, 0, state, Instant.now()).toJson().encode()));
  }

  /** Queues a run of {@code project} as a gateway does; returns it. */
  RunRequest submit(String project) {
    return submit(project, null);
  }

  RunRequest submit(String project, Instant expiresAt) {
    RunRequest request =
        new RunRequest(
            project + "-" + UUID.randomUUID(),
            project,
            "webhook-delay-example",
            new JsonObject().put("delayMins", 0),
            "http://127.0.0.1:9/hook",
            Instant.now(),
            expiresAt);
    var record =
        new ProducerRecord<>(kafka.topics().requests(), request.runId(), request.toJson().encode());
    record
        .headers()
        .add(RunHeaders.PROJECT, RunHeaders.bytes(request.project()))
        .add(RunHeaders.APP, RunHeaders.bytes(request.app()))
        .add(
            RunHeaders.CREATED_AT,
            RunHeaders.bytes(Long.toString(request.createdAt().toEpochMilli())))
        .add(RunHeaders.WEBHOOK, RunHeaders.bytes(request.webhookEndpoint()));
    send(record);
    return request;
  }

  void cancel(String runId) {
    send(
        new ProducerRecord<>(
            kafka.topics().cancels(),
            runId,
            new CancelCommand(runId, "p", Instant.now()).toJson().encode()));
  }

  /** A worker started the run. */
  void running(RunRequest request, String workerId) {
    var record =
        new ProducerRecord<>(
            kafka.topics().results(),
            request.runId(),
            RunStarted.of(request, workerId, Instant.now()).toJson().encode());
    record.headers().add(RunHeaders.KIND, RunHeaders.bytes(RunHeaders.KIND_RUNNING));
    send(record);
  }

  /** A worker finished the run. */
  void succeeded(RunRequest request) {
    send(
        OutcomeRecords.of(
            kafka.topics().results(),
            RunResult.of(
                request,
                RunStatus.SUCCEEDED,
                new JsonObject(),
                null,
                Instant.now(),
                Instant.now(),
                "fake-worker")));
  }

  /** The work topic, in the order written (by timestamp; one producer, so that is send order). */
  List<ConsumerRecord<String, String>> work() {
    List<ConsumerRecord<String, String>> records =
        new ArrayList<>(TopicReader.readAll(kafka.bootstrapServers(), kafka.topics().work()));
    records.sort(Comparator.comparingLong(ConsumerRecord::timestamp));
    return records;
  }

  List<String> released() {
    return work().stream().map(ConsumerRecord::key).toList();
  }

  /** Outcomes on the results topic. */
  List<JsonObject> outcomes() {
    return TopicReader.readAll(kafka.bootstrapServers(), kafka.topics().results()).stream()
        .filter(r -> RunHeaders.isOutcome(r.headers()))
        .map(r -> new JsonObject(r.value()))
        .toList();
  }

  /** A scheduler gauge, summed over every scheduler of this JVM (tests run one at a time). */
  static double gauge(String name) {
    return ServiceMetrics.gaugeSum(name);
  }

  private void send(ProducerRecord<String, String> record) {
    try {
      producer.send(record).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    heartbeats.shutdownNow();
    producer.close();
  }
}
