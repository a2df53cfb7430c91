package dev.hookrun.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The one durable send: a passing failure is retried until Kafka acknowledges; a permanent one is
 * not.
 */
class DurableProducerTest {

  private final Vertx vertx = Vertx.vertx();
  private final ProducerRecord<String, String> record =
      new ProducerRecord<>("results", "run-1", "{}");

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aRecordIsSentAgainAfterAPassingFailureUntilKafkaAcknowledgesIt() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    DurableProducer durable =
        new DurableProducer(
            vertx.getOrCreateContext(),
            r ->
                attempts.incrementAndGet() < 3
                    ? Future.failedFuture(new NotLeaderOrFollowerException("leader moving"))
                    : Future.succeededFuture());

    durable.send(record).await(10, TimeUnit.SECONDS);

    assertEquals(3, attempts.get());
  }

  @Test
  void aRecordKafkaRefusesForGoodFailsAtOnceWithKafkasReason() {
    AtomicInteger attempts = new AtomicInteger();
    DurableProducer durable =
        new DurableProducer(
            vertx.getOrCreateContext(),
            r -> {
              attempts.incrementAndGet();
              return Future.failedFuture(new RecordTooLargeException("too large"));
            });

    Future<Void> sent = durable.send(record);
    Throwable cause = assertFails(sent);

    assertInstanceOf(RecordTooLargeException.class, cause);
    assertEquals(1, attempts.get(), "a permanent refusal is never retried");
  }

  @Test
  void aSendThatIsGivenUpOrStoppedEndsWithoutBeingAcknowledged() {
    DurableProducer durable =
        new DurableProducer(
            vertx.getOrCreateContext(),
            r -> Future.failedFuture(new NotLeaderOrFollowerException("leader moving")));

    Future<Void> sent = durable.send(record);
    durable.close();

    assertInstanceOf(DurableProducer.Stopping.class, assertFails(sent));
  }

  private static Throwable assertFails(Future<Void> sent) {
    ExecutionException failed =
        assertThrows(
            ExecutionException.class,
            () -> sent.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    return failed.getCause();
  }
}
