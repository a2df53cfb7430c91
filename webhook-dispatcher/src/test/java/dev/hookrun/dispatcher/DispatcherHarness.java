package dev.hookrun.dispatcher;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.kafka.PlatformTopics;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.run.DeliveryState;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunStatus;
import dev.hookrun.common.run.WebhookState;
import dev.hookrun.testkit.SharedTestBroker;
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
    kafka =
        KafkaSettings.local(
                SharedTestBroker.bootstrapServers(), name + "-" + UUID.randomUUID() + ".")
            .withSessionTimeout(Duration.ofSeconds(6));
    producer =
        new KafkaProducer<>(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.producer(kafka, "test-results", Duration.ofSeconds(20))));
    try {
      // the workers' topic exists before any dispatcher runs, as in production
      TopicInitializer.ensureBlocking(kafka, List.of(PlatformTopics.results(kafka)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    awaitLeaders(kafka.topics().results());
  }

  /**
   * Waits until every partition of a new topic answers at its leader: producing into a topic the
   * broker has created but not yet taken leadership of fails with NotLeaderOrFollower.
   */
  private void awaitLeaders(String topic) {
    try (var reader =
        new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(
            KafkaClientProperties.asObjects(KafkaClientProperties.reader(kafka, "test-leaders")))) {
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () -> {
                var partitions =
                    reader.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                        .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()))
                        .toList();
                return !partitions.isEmpty()
                    && reader.endOffsets(partitions, Duration.ofSeconds(5)).size()
                        == partitions.size();
              });
    }
  }

  /** Defaults, this test's group, loopback allowed (receivers are on 127.0.0.1), short retries. */
  DispatcherConfig config(String schedule) {
    return DispatcherConfig.defaults(kafka)
        .withGroupId(groupId)
        .withAllowedNetworks(List.of("127.0.0.0/8"))
        .withRetrySchedule(schedule);
  }

  DispatcherVerticle deploy(DispatcherConfig config) {
    return deploy(config, null);
  }

  DispatcherVerticle deploy(DispatcherConfig config, Resolver resolver) {
    return deploy(config, resolver, null);
  }

  DispatcherVerticle deploy(
      DispatcherConfig config, Resolver resolver, io.vertx.core.net.TrustOptions trust) {
    DispatcherVerticle verticle = new DispatcherVerticle(config, resolver, trust);
    vertx.deployVerticle(verticle).await();
    return verticle;
  }

  static RunResult result(String runId, String project, String endpoint) {
    Instant t = Instant.now();
    return new RunResult(
        runId,
        project,
        "webhook-delay-example",
        RunStatus.SUCCEEDED,
        new JsonObject().put("delayMins", 0).put("message", "done"),
        null,
        3,
        t.minusSeconds(1),
        t.minusMillis(3),
        t,
        endpoint,
        "w1");
  }

  /** Puts a result on the results topic, as a worker does, and waits for the ack. */
  String publish(RunResult result) {
    try {
      producer
          .send(
              new ProducerRecord<>(
                  kafka.topics().results(), result.runId(), result.toJson().encode()))
          .get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return result.runId();
  }

  /** Puts a delivery on the first retry tier, as a retry or an operator's redelivery does. */
  void publishRetry(dev.hookrun.common.delivery.DeliveryRecord delivery) {
    try {
      producer
          .send(
              new ProducerRecord<>(
                  kafka.topics().retryTier(1), delivery.runId(), delivery.toJson().encode()))
          .get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Puts a worker's {@code running} or {@code progress} record on the results topic. */
  void publishEvent(String runId, String kind, JsonObject value) {
    try {
      var record =
          new ProducerRecord<String, String>(kafka.topics().results(), runId, value.encode());
      record
          .headers()
          .add(
              dev.hookrun.common.run.RunHeaders.KIND,
              kind.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      producer.send(record).get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Puts many results on the results topic at once (one flush), or on one partition if given. */
  void publishAll(List<RunResult> results, Integer partition) {
    try {
      List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
      for (RunResult r : results) {
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    kafka.topics().results(), partition, r.runId(), r.toJson().encode())));
      }
      producer.flush();
      for (var f : sent) {
        f.get(20, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The dispatchers' committed offset on a results partition, or -1 when none is committed. */
  long committedOffset(int partition) {
    try (var admin =
        org.apache.kafka.clients.admin.Admin.create(
            KafkaClientProperties.asObjects(KafkaClientProperties.admin(kafka, "test-admin")))) {
      var offsets =
          admin
              .listConsumerGroupOffsets(groupId)
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      var committed =
          offsets.get(
              new org.apache.kafka.common.TopicPartition(kafka.topics().results(), partition));
      return committed == null ? -1 : committed.offset();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  String publish(String project, String endpoint) {
    return publish(result("run-" + UUID.randomUUID(), project, endpoint));
  }

  /** The latest delivery state the dispatchers published for a run, if any. */
  Optional<DeliveryState> dispatcherState(String runId) {
    return TopicReader.valuesFor(kafka.bootstrapServers(), kafka.topics().deliveries(), runId)
        .stream()
        .map(DeliveryState::fromJson)
        .reduce((a, b) -> b);
  }

  /**
   * Waits until a dispatcher has published {@code status} for the run's webhook; returns that
   * state.
   */
  WebhookState awaitWebhook(String runId, String status, Duration atMost) {
    org.awaitility.Awaitility.await()
        .atMost(atMost)
        .until(
            () ->
                dispatcherState(runId).map(s -> s.webhook().status().equals(status)).orElse(false));
    return dispatcherState(runId).orElseThrow().webhook();
  }

  List<DeliveryState> dispatcherStates(String runId) {
    return TopicReader.valuesFor(kafka.bootstrapServers(), kafka.topics().deliveries(), runId)
        .stream()
        .map(DeliveryState::fromJson)
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
    return header == null
        ? null
        : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    vertx.close().await();
  }
}
