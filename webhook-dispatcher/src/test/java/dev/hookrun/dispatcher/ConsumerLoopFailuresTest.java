package dev.hookrun.dispatcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hookrun.common.kafka.ConsumerLoop;
import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.OffsetCommitter;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.kafka.TopicSpec;
import dev.hookrun.common.metrics.ServiceMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * For every stage's consumer loop (the dispatcher's and the workers'): a record whose handler
 * throws is settled and the rest of its batch still runs; a failed offset commit is retried until
 * it succeeds.
 */
class ConsumerLoopFailuresTest {

  private final DispatcherHarness h = new DispatcherHarness("loop");
  private final List<String> handled = new CopyOnWriteArrayList<>();
  private Context context;
  private ConsumerLoop loop;
  private OffsetCommitter committer;

  @AfterEach
  void tearDown() {
    if (loop != null) {
      loop.stop().await();
    }
    h.close();
  }

  /** Handles records as the stages do: started, then finished, or throws on "boom". */
  private final class Stage implements ConsumerLoop.Listener {
    @Override
    public void onRecords(List<ConsumerRecord<String, String>> records) {
      for (ConsumerRecord<String, String> record : records) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        committer.started(partition, record.offset());
        if (record.value().equals("boom")) {
          throw new IllegalStateException("the handler failed on " + record.value());
        }
        handled.add(record.value());
        committer.finished(partition, record.offset());
      }
    }

    @Override
    public Future<Map<TopicPartition, OffsetAndMetadata>> onRevoked(
        Set<TopicPartition> partitions) {
      return Future.succeededFuture(committer.release(partitions));
    }
  }

  private void startLoop(String topic) {
    context = h.vertx.getOrCreateContext();
    loop =
        new ConsumerLoop(
            context,
            KafkaClientProperties.consumer(
                h.kafka, h.groupId, "test-loop", Duration.ofMinutes(1), 100),
            List.of(topic),
            new Stage(),
            "test-loop");
    committer = new OffsetCommitter(h.vertx, loop);
    loop.start().await();
  }

  private long committed(String topic) throws Exception {
    try (Admin admin =
        Admin.create(
            KafkaClientProperties.asObjects(KafkaClientProperties.admin(h.kafka, "test-admin")))) {
      var offsets =
          admin
              .listConsumerGroupOffsets(h.groupId)
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, 0));
      return offset == null ? -1 : offset.offset();
    }
  }

  private static double counter(String name, String... tags) {
    var found = ServiceMetrics.registry().find(name).tags(tags).counter();
    return found == null ? 0 : found.count();
  }

  @Test
  void aRecordWhoseHandlerThrowsIsSettledAndTheRestOfItsBatchRuns() throws Exception {
    String topic = h.kafka.topicPrefix() + "records";
    TopicInitializer.ensureBlocking(h.kafka, List.of(TopicSpec.of(topic, 1, (short) 1)));
    try (var producer =
        new KafkaProducer<String, String>(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.producer(h.kafka, "test-records", Duration.ofSeconds(20))))) {
      for (String value : List.of("ok-1", "ok-2", "boom", "ok-4", "ok-5")) {
        producer.send(new ProducerRecord<>(topic, 0, value, value));
      }
      producer.flush();
    }
    double settledBefore =
        counter(
            "hookrun.consumer.records.settled", "consumer", h.groupId, "reason", "handler_error");
    startLoop(topic); // all five are there before the first poll: one batch

    await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == 4);
    assertEquals(List.of("ok-1", "ok-2", "ok-4", "ok-5"), handled);
    await().atMost(Duration.ofSeconds(30)).until(() -> committed(topic) == 5);
    assertEquals(
        settledBefore + 1,
        counter(
            "hookrun.consumer.records.settled", "consumer", h.groupId, "reason", "handler_error"));
  }

  /**
   * A commit the broker refuses (here: for a topic that does not exist yet) used to be logged at
   * debug and forgotten; nothing committed it again unless more work finished.
   */
  @Test
  void aFailedCommitIsRetriedUntilItSucceeds() throws Exception {
    String topic = h.kafka.topicPrefix() + "records";
    String late = h.kafka.topicPrefix() + "late";
    TopicInitializer.ensureBlocking(h.kafka, List.of(TopicSpec.of(topic, 1, (short) 1)));
    startLoop(topic);
    await().atMost(Duration.ofSeconds(30)).until(loop::hasJoined);
    double failuresBefore = counter("hookrun.consumer.commit.failures", "consumer", h.groupId);

    TopicPartition partition = new TopicPartition(late, 0);
    context.runOnContext(
        v -> {
          committer.started(partition, 0);
          committer.finished(partition, 0);
        });
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                counter("hookrun.consumer.commit.failures", "consumer", h.groupId)
                    > failuresBefore);

    TopicInitializer.ensureBlocking(h.kafka, List.of(TopicSpec.of(late, 1, (short) 1)));
    await().atMost(Duration.ofSeconds(30)).until(() -> committed(late) == 1);
  }
}
