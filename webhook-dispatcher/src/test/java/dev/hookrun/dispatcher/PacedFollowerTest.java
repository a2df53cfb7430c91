package dev.hookrun.dispatcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.TopicFollower;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.kafka.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A paced follower (the gateway's view, the dispatcher's ledger) reads at most once per interval
 * once caught up, on the real broker: it still gets every record, in order; records written one by
 * one arrive in a few batches instead of one batch each; and a stop does not wait out a rest.
 */
class PacedFollowerTest {

  private final DispatcherHarness h = new DispatcherHarness("paced");
  private final List<String> handled = new CopyOnWriteArrayList<>();
  private final AtomicInteger batches = new AtomicInteger();
  private TopicFollower<String> follower;

  @AfterEach
  void tearDown() {
    if (follower != null) {
      follower.stop().await();
    }
    h.close();
  }

  private String topic() throws Exception {
    String topic = h.kafka.topicPrefix() + "paced";
    TopicInitializer.ensureBlocking(h.kafka, List.of(TopicSpec.of(topic, 3, (short) 1)));
    return topic;
  }

  private TopicFollower<String> follow(String topic, Duration pace) {
    return TopicFollower.decoding(
            h.vertx.getOrCreateContext(),
            KafkaClientProperties.reader(h.kafka, "test-paced"),
            List.of(topic),
            record -> record.value(),
            batch -> {
              batches.incrementAndGet();
              handled.addAll(batch);
            })
        .paced(pace);
  }

  private KafkaProducer<String, String> producer() {
    return new KafkaProducer<>(
        KafkaClientProperties.asObjects(
            KafkaClientProperties.producer(h.kafka, "test-paced", Duration.ofSeconds(20))));
  }

  @Test
  void everyRecordArrivesInOrderAndOneByOneWritesArriveInFewBatches() throws Exception {
    String topic = topic();
    Duration pace = Duration.ofMillis(300);
    follower = follow(topic, pace);
    follower.start().await(30, TimeUnit.SECONDS);

    List<String> sent = new ArrayList<>();
    long startedAt = System.nanoTime();
    try (var producer = producer()) {
      // one partition, so their order is the order they must arrive in; each write acknowledged
      // before the next, as a live topic's come in
      for (int i = 0; i < 60; i++) {
        String value = "one-by-one-" + i;
        producer.send(new ProducerRecord<>(topic, 0, value, value)).get(20, TimeUnit.SECONDS);
        sent.add(value);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == sent.size());
      long elapsedMs = (System.nanoTime() - startedAt) / 1_000_000;
      assertEquals(sent, handled);
      // unpaced, a follower of a quiet topic gets nearly every record in a batch of its own
      long bound = elapsedMs / pace.toMillis() + 2;
      assertTrue(
          batches.get() <= bound,
          batches.get() + " batches for 60 records over " + elapsedMs + " ms, at most " + bound);

      // more than a full poll at once: read without resting until caught up, all of it
      handled.clear();
      sent.clear();
      for (int i = 0; i < 2_000; i++) {
        String value = "burst-" + i;
        producer.send(new ProducerRecord<>(topic, 1, value, value));
        sent.add(value);
      }
      producer.flush();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == sent.size());
    assertEquals(sent, handled);
  }

  @Test
  void aStopDoesNotWaitOutTheRest() throws Exception {
    String topic = topic();
    follower = follow(topic, Duration.ofMinutes(10));
    follower.start().await(30, TimeUnit.SECONDS);
    try (var producer = producer()) {
      producer.send(new ProducerRecord<>(topic, 0, "x", "x")).get(20, TimeUnit.SECONDS);
    }
    // the poll that brought nothing at start is followed by a rest of ten minutes
    var stopped = follower.stop();
    await().atMost(Duration.ofSeconds(20)).until(stopped::isComplete);
    assertTrue(stopped.succeeded());
    follower = null;
  }
}
