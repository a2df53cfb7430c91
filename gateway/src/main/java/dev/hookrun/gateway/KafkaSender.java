package dev.hookrun.gateway;

import dev.hookrun.common.kafka.KeyPartitioner;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Sends the records a client waits on (requests, cancels). A future that succeeds means the broker
 * has the record on every in-sync replica (acks=all): only then may the gateway answer.
 *
 * <p>A Kafka producer's {@code send} blocks, up to {@code max.block.ms}, while it has no metadata
 * for the topic, as after the broker went away (the client re-bootstraps and forgets the topic).
 * The Vert.x producer runs every send on one ordered worker context, so one blocked send holds up
 * every request queued behind it and answers pile up far past the send timeout. Here sends run
 * unordered on a small pool of their own, and a send that waited in that queue longer than the
 * metadata wait, or whose turn comes after the gate closed, is refused without being sent: its 503
 * is then true ("nothing was accepted") and arrives within about the send timeout.
 *
 * <p>The answer and the record's delivery are apart: the future completes by the send timeout (the
 * client's answer), failing {@code OUTCOME_UNKNOWN} if the record was handed to the producer and is
 * not acknowledged yet, while the producer keeps trying up to its delivery timeout, which on a
 * cluster outlasts a dead node's fencing ({@link DeliveryTimeout}). The gate and the partitions'
 * health hear how the delivery ended, not the answer.
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
 *
 * <p>Over 300 lines (as formatted) on purpose: the send pool, the answer deadline, the availability
 * gate and the per-partition health are one admission decision per record, taken on one thread.
 */
final class KafkaSender {

  private final Producer<String, String> producer;
  private final WorkerExecutor sends;
  private final KafkaAvailability availability;
  private final PartitionHealth health;
  private final long queueBudgetNanos;
  private final long answerTimeoutMillis;
  private final Map<String, Integer> partitionCounts = new ConcurrentHashMap<>();

  KafkaSender(
      Producer<String, String> producer,
      WorkerExecutor sends,
      KafkaAvailability availability,
      Duration queueBudget,
      Duration answerTimeout) {
    // a partition is stalled after 1 s without an acknowledgement (writes take milliseconds), and
    // new runs try one that timed out again after 2 s, to find out whether its election is over
    this(
        producer,
        sends,
        availability,
        new PartitionHealth(1_000, 2_000, System::nanoTime),
        queueBudget,
        answerTimeout);
  }

  KafkaSender(
      Producer<String, String> producer,
      WorkerExecutor sends,
      KafkaAvailability availability,
      PartitionHealth health,
      Duration queueBudget,
      Duration answerTimeout) {
    this.producer = producer;
    this.sends = sends;
    this.availability = availability;
    this.health = health;
    this.queueBudgetNanos = queueBudget.toNanos();
    this.answerTimeoutMillis = Math.max(1, answerTimeout.toMillis());
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
    return count != null
        && health.stalled(new TopicPartition(topic, KeyPartitioner.partitionFor(key, count)));
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
    Promise<Void> answer = Promise.promise();
    // the first of the task and the answer deadline to claim the record decides whether it is sent
    AtomicBoolean claimed = new AtomicBoolean();
    long deadline =
        context
            .owner()
            .setTimer(
                answerTimeoutMillis,
                t ->
                    answer.tryFail(
                        claimed.compareAndSet(false, true)
                            ? SendFailure.notSent(new KafkaAvailability.Unavailable())
                            : SendFailure.afterHandOff(
                                new TimeoutException("not acknowledged within the send timeout"))));
    sends
        .executeBlocking(
            () -> {
              if (!claimed.compareAndSet(false, true)
                  || System.nanoTime() - queuedAt > queueBudgetNanos
                  || (!probe && availability.isDown())) {
                throw new KafkaAvailability.Unavailable();
              }
              ProducerRecord<String, String> placed = placed(record);
              TopicPartition partition = new TopicPartition(placed.topic(), placed.partition());
              health.sent(partition);
              Thread caller = Thread.currentThread();
              AtomicBoolean returned = new AtomicBoolean();
              producer.send(
                  placed,
                  (metadata, error) -> {
                    // The producer calls back on the calling thread, before send() returns,
                    // only for a record it did not take (no metadata within max.block.ms, over
                    // max.request.size); a record it took completes later on its network thread.
                    boolean taken = returned.get() || Thread.currentThread() != caller;
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
                            acked.tryFail(
                                taken
                                    ? SendFailure.afterHandOff(error)
                                    : SendFailure.notSent(error));
                          }
                        });
                  });
              returned.set(true);
              return null;
            },
            false)
        .onFailure(
            error ->
                acked.tryFail(SendFailure.notSent(error))); // refused in the queue, or send() threw
    // The gate hears what Kafka did with the record, which may be after the client's answer: a
    // cluster fencing a dead node holds every write for longer than a client waits, and closing
    // the gate on that would refuse the predicts that get through once the fencing is done.
    acked
        .future()
        .onSuccess(v -> availability.succeeded())
        .onFailure(error -> availability.failed(error, queuedAt))
        .onComplete(
            r -> {
              context.owner().cancelTimer(deadline);
              if (r.succeeded()) {
                answer.tryComplete();
              } else {
                answer.tryFail(r.cause());
              }
            });
    return answer.future();
  }

  /** Records one hand-off to the send pool takes: a 10,000-item batch is ten tasks, not 10,000. */
  static final int CHUNK = 1_000;

  /**
   * Sends many records whose client waits for all of them (a batch's items) through the same
   * producer and pool as {@link #send}, with the same gate and answer deadline, but one task per
   * {@link #CHUNK} records and one deadline for them all: per record, the hand-off, the timer and
   * the hop back to the event loop cost more than the send itself. Each future completes as {@link
   * #send}'s would.
   */
  List<Future<Void>> sendAll(List<ProducerRecord<String, String>> records) {
    List<Promise<Void>> answers = new ArrayList<>(records.size());
    List<Future<Void>> futures = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      Promise<Void> answer = Promise.promise();
      answers.add(answer);
      futures.add(answer.future());
    }
    if (!availability.admit()) {
      answers.forEach(a -> a.tryFail(SendFailure.notSent(new KafkaAvailability.Unavailable())));
      return futures;
    }
    boolean probe = availability.isDown();
    long queuedAt = System.nanoTime();
    Context context = Vertx.currentContext();
    List<AtomicBoolean> claims = new ArrayList<>();
    long deadline =
        context
            .owner()
            .setTimer(
                answerTimeoutMillis,
                t -> {
                  for (int i = 0; i < answers.size(); i++) {
                    answers
                        .get(i)
                        .tryFail(
                            claims.get(i / CHUNK).compareAndSet(false, true)
                                ? SendFailure.notSent(new KafkaAvailability.Unavailable())
                                : SendFailure.afterHandOff(
                                    new TimeoutException(
                                        "not acknowledged within the send timeout")));
                  }
                });
    AtomicInteger open = new AtomicInteger(records.size());
    for (int from = 0; from < records.size(); from += CHUNK) {
      int start = from;
      int end = Math.min(records.size(), from + CHUNK);
      AtomicBoolean claimed = new AtomicBoolean();
      claims.add(claimed);
      Throwable[] errors = new Throwable[end - start];
      boolean[] taken = new boolean[end - start];
      AtomicInteger pending = new AtomicInteger(end - start);
      Runnable chunkDone =
          () ->
              context.runOnContext(
                  v -> {
                    for (int i = start; i < end; i++) {
                      Throwable error = errors[i - start];
                      if (error == null) {
                        availability.succeeded();
                        answers.get(i).tryComplete();
                      } else {
                        availability.failed(error, queuedAt);
                        answers
                            .get(i)
                            .tryFail(
                                taken[i - start]
                                    ? SendFailure.afterHandOff(error)
                                    : SendFailure.notSent(error));
                      }
                    }
                    if (open.addAndGet(start - end) == 0) {
                      context.owner().cancelTimer(deadline);
                    }
                  });
      sends
          .executeBlocking(
              () -> {
                if (!claimed.compareAndSet(false, true)
                    || System.nanoTime() - queuedAt > queueBudgetNanos
                    || (!probe && availability.isDown())) {
                  throw new KafkaAvailability.Unavailable();
                }
                Thread caller = Thread.currentThread();
                for (int i = start; i < end; i++) {
                  int at = i - start;
                  AtomicBoolean returned = new AtomicBoolean();
                  try {
                    ProducerRecord<String, String> placed = placed(records.get(i));
                    TopicPartition partition =
                        new TopicPartition(placed.topic(), placed.partition());
                    health.sent(partition);
                    producer.send(
                        placed,
                        (metadata, error) -> {
                          if (error == null) {
                            health.acknowledged(partition);
                          } else {
                            health.failed(partition, error instanceof TimeoutException);
                            errors[at] = error;
                            taken[at] = returned.get() || Thread.currentThread() != caller;
                          }
                          if (pending.decrementAndGet() == 0) {
                            chunkDone.run();
                          }
                        });
                  } catch (RuntimeException e) {
                    errors[at] = e;
                    if (pending.decrementAndGet() == 0) {
                      chunkDone.run();
                    }
                  }
                  returned.set(true);
                }
                return null;
              },
              false)
          .onFailure(
              error -> {
                for (int i = start; i < end; i++) {
                  answers.get(i).tryFail(SendFailure.notSent(error));
                }
                if (open.addAndGet(start - end) == 0) {
                  context.owner().cancelTimer(deadline);
                }
              });
    }
    return futures;
  }

  /**
   * The record with its partition set. {@code partitionsFor} answers from the producer's metadata
   * (it blocks up to max.block.ms only when there is none, as send would).
   */
  private ProducerRecord<String, String> placed(ProducerRecord<String, String> record) {
    int count = producer.partitionsFor(record.topic()).size();
    partitionCounts.put(record.topic(), count);
    if (record.partition() != null) {
      return record;
    }
    int partition = record.key() == null ? 0 : KeyPartitioner.partitionFor(record.key(), count);
    return new ProducerRecord<>(
        record.topic(),
        partition,
        record.timestamp(),
        record.key(),
        record.value(),
        record.headers());
  }
}
