package dev.hookrun.worker;

import dev.hookrun.common.kafka.DurableProducer;
import dev.hookrun.common.run.WorkerHeartbeat;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * This worker's heartbeat on the workers topic: its slots and the runs it holds, every {@link
 * #INTERVAL}. The scheduler releases runs only to slots it heard of lately, and takes a worker
 * silent for its lease timeout for dead: the runs it was running are released again. A worker that
 * stops on purpose says so ({@link #left}) so its handed-back runs go on at once.
 */
final class Heartbeats {

  /** Well under the scheduler's shortest lease timeout (3 s), so one lost beat costs nothing. */
  static final Duration INTERVAL = Duration.ofSeconds(1);

  private static final Duration LEFT_WAIT = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final Producer<String, String> producer;
  private final DurableProducer durable;
  private final String topic;
  private final String workerName;
  private final int slots;
  private final IntSupplier running;
  private final Clock clock;
  private long timer = -1;

  Heartbeats(
      Vertx vertx,
      Context context,
      Producer<String, String> producer,
      String topic,
      String workerName,
      int slots,
      IntSupplier running,
      Clock clock) {
    this.vertx = vertx;
    this.producer = producer;
    this.durable = DurableProducer.direct(context, producer);
    this.topic = topic;
    this.workerName = workerName;
    this.slots = slots;
    this.running = running;
    this.clock = clock;
  }

  /** The first beat, acknowledged; then one every interval, best effort. */
  Future<Void> start() {
    return durable
        .send(record(WorkerHeartbeat.State.UP))
        .onSuccess(v -> timer = vertx.setPeriodic(INTERVAL.toMillis(), t -> beat()));
  }

  private void beat() {
    try {
      producer.send(record(WorkerHeartbeat.State.UP));
    } catch (RuntimeException e) { // a closing producer: the next beat or the lease decides
    }
  }

  /**
   * Stops beating and says this worker left; completes once Kafka has it, or after {@link
   * #LEFT_WAIT} (a broker that is away must not hold the stop: the lease then hands the runs on).
   */
  Future<Void> left() {
    vertx.cancelTimer(timer);
    long deadline = clock.millis() + LEFT_WAIT.toMillis();
    return durable
        .send(record(WorkerHeartbeat.State.LEFT), () -> clock.millis() > deadline)
        .recover(e -> Future.succeededFuture());
  }

  private ProducerRecord<String, String> record(WorkerHeartbeat.State state) {
    var beat = new WorkerHeartbeat(workerName, slots, running.getAsInt(), state, clock.instant());
    return new ProducerRecord<>(topic, workerName, beat.toJson().encode());
  }
}
