package dev.hookrun.dispatcher;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
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

  private record Entry(boolean delivered, long atMillis) {}

  private final KafkaSettings kafka;
  private final String name;
  private final Map<String, Entry> runs = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private final Promise<Void> stopped = Promise.promise();
  private volatile KafkaConsumer<String, String> consumer;

  DeliveryLedger(KafkaSettings kafka, String name) {
    this.kafka = kafka;
    this.name = name;
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

  private void run(Context context, Promise<Void> caughtUp) {
    String topic = kafka.topics().runState();
    try {
      consumer = new KafkaConsumer<>(KafkaClientProperties.asObjects(KafkaClientProperties.tail(kafka, name)),
          new StringDeserializer(), new DispatcherStatesOnly());
      List<TopicPartition> partitions = List.of();
      while (running.get() && partitions.isEmpty()) {
        // a topic created a moment ago may not be in the metadata yet
        partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      boolean ready = false;
      long nextPrune = System.currentTimeMillis() + PRUNE_EVERY_MS;
      while (running.get()) {
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
    } catch (WakeupException e) {
      // stop()
    } catch (RuntimeException e) {
      LOG.error("{}: reading {} failed", name, topic, e);
      context.runOnContext(v -> caughtUp.tryFail(e));
    } finally {
      KafkaConsumer<String, String> c = consumer;
      if (c != null) {
        c.close(Duration.ofSeconds(5));
      }
      context.runOnContext(v -> caughtUp.tryFail("stopped before reading " + topic));
      stopped.tryComplete();
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
      LOG.debug("{}: skipping unreadable run state at {}@{}", name, record.partition(), record.offset());
    }
  }
}
