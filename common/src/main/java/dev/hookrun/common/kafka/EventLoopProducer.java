package dev.hookrun.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Opens a plain Kafka producer for a stage that calls {@code send()} on its event loop ({@link
 * KafkaClientProperties#eventLoopProducer}: at most 50 ms blocked for metadata or buffer space).
 *
 * <p>Through the Vert.x producer every send hops to a worker thread and its acknowledgement hops
 * back: two thread switches per record, which on a loaded machine were the stage's largest cost
 * after its own work. {@code send()} only appends to the producer's buffer as long as it has the
 * topics' metadata, so that is fetched here, off the event loop, before the first send.
 */
public final class EventLoopProducer {

  /** Delivery timeout of a send, and how long opening waits for the topics' metadata. */
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private EventLoopProducer() {}

  /**
   * The producer, once it knows the partitions of every topic in {@code writes}; {@code linger}:
   * how long a record may wait for others to share its request (zero on a run's way to its
   * webhook).
   */
  public static Future<KafkaProducer<String, String>> open(
      Vertx vertx, KafkaSettings kafka, String clientId, List<String> writes, Duration linger) {
    return vertx.executeBlocking(
        () -> {
          KafkaProducer<String, String> producer =
              new KafkaProducer<>(
                  KafkaClientProperties.asObjects(
                      KafkaClientProperties.eventLoopProducer(kafka, clientId, TIMEOUT, linger)));
          try {
            fetchMetadata(producer, writes);
          } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
          }
          return producer;
        });
  }

  /**
   * Closes {@code producer} off the event loop: what is buffered is sent and its acks awaited, for
   * at most 5 s (a broker that is away must not hold a stage's stop forever). Null: nothing to do.
   */
  public static Future<Void> close(Vertx vertx, KafkaProducer<String, String> producer) {
    if (producer == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(
        () -> {
          producer.close(CLOSE_TIMEOUT);
          return null;
        });
  }

  /** Each {@code partitionsFor} waits up to 50 ms (max.block.ms): asks again until the deadline. */
  private static void fetchMetadata(KafkaProducer<String, String> producer, List<String> topics) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    for (String topic : topics) {
      while (true) {
        try {
          producer.partitionsFor(topic);
          break;
        } catch (TimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
        }
      }
    }
  }
}
