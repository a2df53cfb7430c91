package dev.hookrun.dispatcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hookrun.common.kafka.ConsumerLoop;
import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.OffsetCommitter;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.kafka.TopicSpec;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
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
 * A consumer loop that fetches the next batch while its stage handles one (the worker's requests,
 * the dispatcher's results): every record once, in order, committed; and a stage that pauses gets
 * at most one batch more before fetching stops.
 */
class ConsumerLoopPollAheadTest {

  private static final int BATCH = 10;

  private final DispatcherHarness h = new DispatcherHarness("ahead");
  private final List<String> handled = new CopyOnWriteArrayList<>();
  private final String topic = h.kafka.topicPrefix() + "ahead";
  private ConsumerLoop loop;
  private OffsetCommitter committer;
  private volatile boolean pauseOnFirstBatch;

  @AfterEach
  void tearDown() {
    if (loop != null) {
      loop.stop().await();
    }
    h.close();
  }

  private final class Stage implements ConsumerLoop.Listener {
    @Override
    public void onRecords(List<ConsumerRecord<String, String>> records) {
      for (ConsumerRecord<String, String> record : records) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        committer.started(partition, record.offset());
        handled.add(record.value());
        committer.finished(partition, record.offset());
      }
      if (pauseOnFirstBatch) {
        pauseOnFirstBatch = false;
        loop.setPaused(true);
      }
    }

    @Override
    public Future<Map<TopicPartition, OffsetAndMetadata>> onRevoked(
        Set<TopicPartition> partitions) {
      return Future.succeededFuture(committer.release(partitions));
    }
  }

  private ConsumerLoop newLoop(int bound) {
    loop =
        new ConsumerLoop(
                h.vertx.getOrCreateContext(),
                KafkaClientProperties.consumer(
                    h.kafka, h.groupId, "test-ahead", Duration.ofMinutes(1), BATCH),
                List.of(topic),
                new Stage(),
                "test-ahead")
            .pollAheadWithin(bound, BATCH);
    committer = new OffsetCommitter(h.vertx, loop);
    return loop;
  }

  private List<String> produce(int from, int count) {
    List<String> values = new ArrayList<>();
    try (var producer =
        new KafkaProducer<String, String>(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.producer(h.kafka, "test-ahead", Duration.ofSeconds(20))))) {
      for (int i = from; i < from + count; i++) {
        String value = "r" + i;
        values.add(value);
        producer.send(new ProducerRecord<>(topic, 0, value, value));
        if (i % 7 == 0) {
          producer.flush(); // many small batches, so polls and hand-overs overlap
        }
      }
      producer.flush();
    }
    return values;
  }

  private long committed() throws Exception {
    try (Admin admin =
        Admin.create(
            KafkaClientProperties.asObjects(KafkaClientProperties.admin(h.kafka, "test-admin")))) {
      OffsetAndMetadata offset =
          admin
              .listConsumerGroupOffsets(h.groupId)
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS)
              .get(new TopicPartition(topic, 0));
      return offset == null ? -1 : offset.offset();
    }
  }

  @Test
  void everyRecordIsHandledOnceInOrderAndCommitted() throws Exception {
    TopicInitializer.ensureBlocking(h.kafka, List.of(TopicSpec.of(topic, 1, (short) 1)));
    newLoop(10 * BATCH).start().await();
    await().atMost(Duration.ofSeconds(30)).until(loop::hasJoined);

    List<String> sent = new ArrayList<>(produce(0, 150));
    sent.addAll(produce(150, 150));

    await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() >= sent.size());
    assertEquals(sent, handled);
    await().atMost(Duration.ofSeconds(30)).until(() -> committed() == sent.size());
  }

  @Test
  void aStageThatPausesGetsAtMostOneBatchMoreUntilItResumes() throws Exception {
    TopicInitializer.ensureBlocking(h.kafka, List.of(TopicSpec.of(topic, 1, (short) 1)));
    List<String> sent = produce(0, 100); // all there before the first poll: full batches
    pauseOnFirstBatch = true;
    newLoop(10 * BATCH).start().await();

    await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() >= BATCH);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> handled.size() <= 2 * BATCH);

    loop.setPaused(false);
    await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() >= sent.size());
    assertEquals(sent, handled);
  }

  @Test
  void onlyAStageWithRoomForAnotherBatchPollsAheadAndItCannotHoldOnePartition() {
    TopicPartition partition = new TopicPartition(topic, 0);
    assertThrows(IllegalStateException.class, () -> newLoop(10 * BATCH).pausePartition(partition));
    // a batch more would be over a tenth of this bound: the strict hand-off, which can hold one
    assertDoesNotThrow(() -> newLoop(10 * BATCH - 1).pausePartition(partition));
    loop = null; // never started
  }
}
