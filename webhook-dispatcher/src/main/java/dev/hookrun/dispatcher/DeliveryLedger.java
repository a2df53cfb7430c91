package dev.hookrun.dispatcher;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.metrics.Meters;
import dev.hookrun.common.run.WebhookState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import dev.hookrun.common.run.RunStatePublisher;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which runs' webhooks the dispatchers have already taken on: the memory behind "one delivery
 * per run".
 *
 * <p>The run-state topic is the record of every delivery attempt (each attempt's outcome is
 * published there), so this reads it: whole at start, before the dispatcher takes any work, then
 * tailing it. A run whose state was published by a dispatcher is <em>claimed</em> (a delivery
 * chain exists: delivered, waiting in a retry tier, or dead-lettered), and a new result for it
 * (a worker re-ran the run) starts no second chain. A run marked delivered is never delivered
 * again, not even by a retry or a replay. Because results are keyed by run id, a duplicate
 * lands on the partition, and so usually the dispatcher, that handled the first one; the tail
 * covers the case where the partition has since moved to another dispatcher, and the read at
 * start covers restarts. Entries go when their run-state records would (the run retention).
 */
final class DeliveryLedger {

  private static final Logger LOG = LoggerFactory.getLogger(DeliveryLedger.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long PRUNE_EVERY_MS = 10 * 60_000;
  private static final String DISPATCHER_SOURCE = "\"source\":\"dispatcher\"";
  private static final String METER_NAME = "dispatcher-ledger";
  private static final long FIRST_BACKOFF_MS = 200;
  private static final long MAX_BACKOFF_MS = 10_000;

  private record Entry(boolean delivered, long atMillis) {}

  private final KafkaSettings kafka;
  private final String name;
  private final Map<String, Entry> runs = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private final Promise<Void> stopped = Promise.promise();
  private final Deserializer<String> values;
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile KafkaConsumer<String, String> consumer;

  DeliveryLedger(KafkaSettings kafka, String name) {
    this(kafka, name, new DispatcherStatesOnly());
  }

  /** With the caller's value decoding (tests feed it records it cannot decode). */
  DeliveryLedger(KafkaSettings kafka, String name, Deserializer<String> values) {
    this.kafka = kafka;
    this.name = name;
    this.values = values;
  }

  /** Reads the run-state topic to its current end; completes on {@code context} when it has. */
  Future<Void> start(Context context) {
    Promise<Void> caughtUp = Promise.promise();
    running.set(true);
    Thread thread = new Thread(() -> run(context, caughtUp), name);
    thread.setDaemon(true);
    thread.start();
    return caughtUp.future();
  }

  Future<Void> stop() {
    if (running.compareAndSet(true, false)) {
      KafkaConsumer<String, String> c = consumer;
      if (c != null) {
        c.wakeup();
      }
    } else {
      stopped.tryComplete();
    }
    return stopped.future();
  }

  boolean isClaimed(String runId) {
    return runs.containsKey(runId);
  }

  boolean isDelivered(String runId) {
    Entry entry = runs.get(runId);
    return entry != null && entry.delivered();
  }

  /** This dispatcher has started a delivery chain for the run (before its state is published). */
  void claim(String runId) {
    note(runId, false, System.currentTimeMillis());
  }

  void delivered(String runId) {
    note(runId, true, System.currentTimeMillis());
  }

  int size() {
    return runs.size();
  }

  private void note(String runId, boolean delivered, long atMillis) {
    runs.merge(runId, new Entry(delivered, atMillis),
        (old, now) -> new Entry(old.delivered() || now.delivered(), Math.max(old.atMillis(), now.atMillis())));
  }

  /**
   * The tail never ends on an error: a dispatcher with a stale ledger would deliver again what
   * another dispatcher delivered. A record that cannot be decoded is skipped (logged, counted);
   * any other failure (a broker away, a timeout) is retried with back-off, from where it was.
   * Only a consumer that cannot even be created (bad configuration) fails the start.
   */
  private void run(Context context, Promise<Void> caughtUp) {
    String topic = kafka.topics().runState();
    try {
      consumer = new KafkaConsumer<>(KafkaClientProperties.asObjects(KafkaClientProperties.tail(kafka, name)),
          new StringDeserializer(), values);
    } catch (RuntimeException e) {
      LOG.error("{}: cannot read {}", name, topic, e);
      context.runOnContext(v -> caughtUp.tryFail(e));
      stopped.tryComplete();
      return;
    }
    Tail tail = new Tail(topic, context, caughtUp);
    long backoffMs = FIRST_BACKOFF_MS;
    try {
      while (running.get()) {
        try {
          tail.step();
          backoffMs = FIRST_BACKOFF_MS;
        } catch (WakeupException e) {
          // stop(); the loop condition decides
        } catch (RecordDeserializationException e) {
          skipped.incrementAndGet();
          Meters.recordSettled(METER_NAME, "undecodable");
          LOG.warn("{}: skipping an undecodable record at {}@{}: {}", name, e.topicPartition(), e.offset(), e.toString());
          consumer.seek(e.topicPartition(), e.offset() + 1);
        } catch (RuntimeException e) {
          errors.incrementAndGet();
          Meters.recordSettled(METER_NAME, "read_error");
          LOG.warn("{}: reading {} failed, retrying in {} ms: {}", name, topic, backoffMs, e.toString());
          sleep(backoffMs);
          backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        }
      }
    } finally {
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        LOG.debug("{}: close failed: {}", name, e.toString());
      }
      context.runOnContext(v -> caughtUp.tryFail("stopped before reading " + topic));
      stopped.tryComplete();
    }
  }

  /** The reading itself, one step at a time, so an error in any step is retried from there. */
  private final class Tail {

    private final String topic;
    private final Context context;
    private final Promise<Void> caughtUp;
    private List<TopicPartition> partitions = List.of();
    private Map<TopicPartition, Long> end;
    private boolean ready;
    private long nextPrune = System.currentTimeMillis() + PRUNE_EVERY_MS;

    Tail(String topic, Context context, Promise<Void> caughtUp) {
      this.topic = topic;
      this.context = context;
      this.caughtUp = caughtUp;
    }

    void step() {
      if (partitions.isEmpty()) {
        // a topic created a moment ago may not be in the metadata yet
        partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        if (!partitions.isEmpty()) {
          consumer.assign(partitions);
          consumer.seekToBeginning(partitions);
        }
        return;
      }
      if (end == null) {
        end = consumer.endOffsets(partitions);
      }
      for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
        apply(record);
      }
      if (!ready && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
        ready = true;
        LOG.info("{}: read {}: {} runs with a delivery", name, topic, runs.size());
        context.runOnContext(v -> caughtUp.tryComplete());
      }
      if (System.currentTimeMillis() >= nextPrune) {
        long cutoff = System.currentTimeMillis() - kafka.runRetention().toMillis();
        runs.values().removeIf(e -> e.atMillis() < cutoff);
        nextPrune = System.currentTimeMillis() + PRUNE_EVERY_MS;
      }
    }
  }

  /** Records skipped because they could not be decoded. */
  long skipped() {
    return skipped.get();
  }

  /** Reads that failed and were retried. */
  long readErrors() {
    return errors.get();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Decodes only the states dispatchers wrote: three in four run-state records come from gateways
   * and workers, and this reader only wants to know about deliveries. Their values stay null.
   */
  static final class DispatcherStatesOnly implements Deserializer<String> {

    private static final byte[] DISPATCHER = "dispatcher".getBytes(StandardCharsets.UTF_8);

    @Override
    public String deserialize(String topic, byte[] data) {
      return data == null ? null : new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public String deserialize(String topic, Headers headers, byte[] data) {
      Header source = headers.lastHeader(RunStatePublisher.SOURCE_HEADER);
      return source != null && !Arrays.equals(source.value(), DISPATCHER) ? null : deserialize(topic, data);
    }

    @Override
    public String deserialize(String topic, Headers headers, ByteBuffer data) {
      Header source = headers.lastHeader(RunStatePublisher.SOURCE_HEADER);
      if (data == null || (source != null && !Arrays.equals(source.value(), DISPATCHER))) {
        return null;
      }
      return data.hasArray()
          ? new String(data.array(), data.arrayOffset() + data.position(), data.remaining(), StandardCharsets.UTF_8)
          : StandardCharsets.UTF_8.decode(data.duplicate()).toString();
    }
  }

  private void apply(ConsumerRecord<String, String> record) {
    String value = record.value();
    // most states come from gateways and workers: skip them without parsing (a record written
    // before the source header existed is decoded, and told apart by its text)
    if (value == null || !value.contains(DISPATCHER_SOURCE)) {
      return;
    }
    try {
      JsonObject webhook = new JsonObject(value).getJsonObject("webhook");
      if (webhook == null) {
        return;
      }
      String status = webhook.getString("status", WebhookState.NONE);
      boolean delivered = WebhookState.DELIVERED.equals(status);
      // a delivery deferred before its first attempt has none yet, but a retry tier holds it
      if (delivered || WebhookState.FAILED.equals(status) || webhook.getInteger("attempts", 0) > 0
          || webhook.getValue("next_attempt_at") != null) {
        note(record.key(), delivered, record.timestamp());
      }
    } catch (RuntimeException e) {
      skipped.incrementAndGet();
      Meters.recordSettled(METER_NAME, "unreadable");
      LOG.warn("{}: skipping an unreadable run state at {}@{}: {}", name, record.partition(), record.offset(), e.toString());
    }
  }
}
