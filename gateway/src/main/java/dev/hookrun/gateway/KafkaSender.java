package dev.hookrun.gateway;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.utils.Utils;

/**
 * Sends the records a client waits on (requests, cancels). A future that succeeds means the broker
 * has the record on every in-sync replica (acks=all): only then may the gateway answer.
 *
 * <p>A Kafka producer's {@code send} blocks, up to {@code max.block.ms}, while it has no metadata
 * for the topic, as after the broker went away (the client re-bootstraps and forgets the topic).
 * The Vert.x producer runs every send on one ordered worker context, so one blocked send holds up
 * every request queued behind it and answers pile up far past the send timeout. Here a send first
 * goes to a second producer that never waits ({@code max.block.ms=0}), right on the event loop:
 * while Kafka is healthy it only appends to that producer's buffer. What it refuses without sending
 * (no metadata, buffer full), and the probe while the gate is closed, run unordered on a small pool
 * of their own through a producer that may wait; a send that waited in that queue longer than the
 * metadata wait, or whose turn comes after the gate closed, is refused without being sent: its 503
 * is then true ("nothing was accepted") and arrives within about the send timeout.
 *
 * <p>A failed future always holds a {@link SendFailure} saying whether the record can have been
 * written: a send that failed inside {@code producer.send} itself (no metadata, too large) never
 * left this process, while one the producer had taken and then timed out may still be on the
 * broker, so the client must not be told that nothing was accepted.
 *
 * <p>The sender picks each keyed record's partition itself, exactly as Kafka's default partitioner
 * would (murmur2 of the key), so it can track per partition whether acknowledgements still arrive
 * ({@link PartitionHealth}) and the gateway can give a new run an id whose partition is not waiting
 * for a leader election.
 */
final class KafkaSender {

  private final Producer<String, String> producer;
  private final Producer<String, String> direct;
  private final WorkerExecutor sends;
  private final KafkaAvailability availability;
  private final PartitionHealth health;
  private final long queueBudgetNanos;
  private final Map<String, Integer> partitionCounts = new ConcurrentHashMap<>();

  /**
   * {@code producer} is the pool's, allowed to wait for metadata; {@code direct}, when not null,
   * must never wait ({@code KafkaClientProperties.nonBlockingProducer}).
   */
  KafkaSender(
      Producer<String, String> producer,
      Producer<String, String> direct,
      WorkerExecutor sends,
      KafkaAvailability availability,
      Duration queueBudget) {
    // a partition is stalled after 1 s without an acknowledgement (writes take milliseconds), and
    // new runs try one that timed out again after 2 s, to find out whether its election is over
    this(
        producer,
        direct,
        sends,
        availability,
        new PartitionHealth(1_000, 2_000, System::nanoTime),
        queueBudget);
  }

  KafkaSender(
      Producer<String, String> producer,
      Producer<String, String> direct,
      WorkerExecutor sends,
      KafkaAvailability availability,
      PartitionHealth health,
      Duration queueBudget) {
    this.producer = producer;
    this.direct = direct;
    this.sends = sends;
    this.availability = availability;
    this.health = health;
    this.queueBudgetNanos = queueBudget.toNanos();
  }

  Future<Void> send(String topic, String key, String value) {
    return send(new ProducerRecord<>(topic, key, value));
  }

  /**
   * Whether a record with this key would go to a partition that is not acknowledging now. False
   * while the topic's partition count is not known yet (before the first send to it).
   */
  boolean stalled(String topic, String key) {
    Integer count = partitionCounts.get(topic);
    return count != null && health.stalled(new TopicPartition(topic, partitionFor(key, count)));
  }

  Future<Void> send(ProducerRecord<String, String> record) {
    if (!availability.admit()) {
      return Future.failedFuture(SendFailure.notSent(new KafkaAvailability.Unavailable()));
    }
    // admitted while the gate is closed: this request is the probe that may find Kafka back
    boolean probe = availability.isDown();
    long queuedAt = System.nanoTime();
    Context context = Vertx.currentContext();
    Promise<Void> acked = Promise.promise();
    if (probe || !sentDirectly(record, context, acked)) {
      sendFromPool(record, probe, queuedAt, context, acked);
    }
    return acked
        .future()
        .onSuccess(v -> availability.succeeded())
        .onFailure(error -> availability.failed(error, queuedAt));
  }

  /**
   * Hands the record to the non-blocking producer on the calling event loop, which saves the hop to
   * the pool and back (one thread wake-up per predict, on the path the client waits on). False,
   * with nothing sent, when that producer cannot take it without waiting: no metadata for the topic
   * yet (or any more, after a re-bootstrap or its idle expiry), or its buffer is full.
   */
  private boolean sentDirectly(
      ProducerRecord<String, String> record, Context context, Promise<Void> acked) {
    if (direct == null || context == null || !context.isEventLoopContext()) {
      return false;
    }
    ProducerRecord<String, String> placed;
    try {
      placed = placed(direct, record);
    } catch (KafkaException noMetadata) {
      return false;
    }
    Completion completion = new Completion(partitionOf(placed), context, acked, true);
    try {
      direct.send(placed, completion);
    } catch (RuntimeException e) {
      completion.withdraw();
      return false; // the pool's producer will meet the same and report it
    }
    return completion.taken();
  }

  private void sendFromPool(
      ProducerRecord<String, String> record,
      boolean probe,
      long queuedAt,
      Context context,
      Promise<Void> acked) {
    sends
        .executeBlocking(
            () -> {
              if (System.nanoTime() - queuedAt > queueBudgetNanos
                  || (!probe && availability.isDown())) {
                throw new KafkaAvailability.Unavailable();
              }
              ProducerRecord<String, String> placed = placed(producer, record);
              Completion completion = new Completion(partitionOf(placed), context, acked, false);
              try {
                producer.send(placed, completion);
              } catch (RuntimeException e) {
                completion.withdraw();
                throw e;
              }
              completion.taken();
              return null;
            },
            false)
        .onFailure(
            error ->
                acked.tryFail(SendFailure.notSent(error))); // refused in the queue, or send() threw
  }

  private static TopicPartition partitionOf(ProducerRecord<String, String> placed) {
    return new TopicPartition(placed.topic(), placed.partition());
  }

  /**
   * One send's outcome. A producer calls back on the calling thread, before {@code send()} returns,
   * only for a record it did not take (no metadata within max.block.ms, buffer full, over
   * max.request.size); a record it took completes later on its network thread. A refusal of the
   * direct producer is silent, since the record then goes through the pool.
   */
  private final class Completion implements Callback {
    private final TopicPartition partition;
    private final Context context;
    private final Promise<Void> acked;
    private final boolean refusalFallsBack;
    private final Thread caller = Thread.currentThread();
    private volatile boolean returned;
    private boolean refused; // only written and read on the calling thread

    Completion(
        TopicPartition partition, Context context, Promise<Void> acked, boolean refusalFallsBack) {
      this.partition = partition;
      this.context = context;
      this.acked = acked;
      this.refusalFallsBack = refusalFallsBack;
      health.sent(partition);
    }

    /** Called once {@code send()} returned: whether the producer took the record. */
    boolean taken() {
      returned = true;
      return !refused;
    }

    /** {@code send()} threw instead of calling back: the record was not sent. */
    void withdraw() {
      health.failed(partition, false);
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception error) {
      boolean taken = returned || Thread.currentThread() != caller;
      if (!taken && error != null && refusalFallsBack) {
        refused = true;
        health.failed(partition, false); // not a verdict on the partition: nothing was sent
        return;
      }
      if (error == null) {
        health.acknowledged(partition);
      } else {
        health.failed(partition, error instanceof TimeoutException);
      }
      context.runOnContext(
          v -> {
            if (error == null) {
              acked.tryComplete();
            } else {
              acked.tryFail(taken ? SendFailure.afterHandOff(error) : SendFailure.notSent(error));
            }
          });
    }
  }

  /**
   * The record with its partition set. {@code partitionsFor} answers from the producer's metadata
   * (it waits up to max.block.ms only when there is none, as send would: the direct producer not at
   * all).
   */
  private ProducerRecord<String, String> placed(
      Producer<String, String> producer, ProducerRecord<String, String> record) {
    int count = producer.partitionsFor(record.topic()).size();
    partitionCounts.put(record.topic(), count);
    if (record.partition() != null) {
      return record;
    }
    int partition = record.key() == null ? 0 : partitionFor(record.key(), count);
    return new ProducerRecord<>(
        record.topic(),
        partition,
        record.timestamp(),
        record.key(),
        record.value(),
        record.headers());
  }

  /**
   * Blocks until {@code nonBlocking} knows every topic's partitions, or {@code wait} has passed;
   * whether it does. A producer with {@code max.block.ms=0} cannot be waited on, only asked: each
   * ask that finds nothing requests the metadata and refuses at once.
   */
  static boolean awaitMetadata(
      Producer<String, String> nonBlocking, List<String> topics, Duration wait)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    for (String topic : topics) {
      while (true) {
        try {
          nonBlocking.partitionsFor(topic);
          break;
        } catch (TimeoutException e) {
          if (System.nanoTime() > deadline) {
            return false;
          }
          Thread.sleep(5);
        }
      }
    }
    return true;
  }

  /** Kafka's default partitioner for a keyed record (String keys are serialized as UTF-8). */
  static int partitionFor(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
