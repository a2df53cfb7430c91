package dev.hookrun.dispatcher;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.kafka.SkippingStringDeserializer;
import dev.hookrun.common.kafka.TopicFollower;
import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.common.run.WebhookState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which runs' webhooks the dispatchers have already taken on: the memory behind "one delivery per
 * run".
 *
 * <p>The deliveries topic is the record of every delivery attempt (each attempt's outcome is
 * published there), so this reads it: whole at start, before the dispatcher takes any work, then
 * tailing it. A run whose state was published by a dispatcher is <em>claimed</em> (a delivery chain
 * exists: delivered, waiting in a retry tier, or dead-lettered), and a new result for it (a worker
 * re-ran the run) starts no second chain. A run marked delivered is never delivered again, not even
 * by a retry or a replay; only an operator's redelivery ({@link
 * dev.hookrun.common.delivery.DeliveryRecord#redelivery}) is, once: not if a delivery was noted
 * since it was asked for. Because results are keyed by run id, a duplicate lands on the partition,
 * and so usually the dispatcher, that handled the first one; the tail covers the case where the
 * partition has since moved to another dispatcher, and the read at start covers restarts. Entries
 * go when their deliveries records would (the run retention).
 *
 * <p>The reading is a {@link TopicFollower}'s, with its error policy: the tail never ends, since a
 * dispatcher with a stale ledger would deliver again what another dispatcher delivered; a record it
 * cannot decode is skipped and counted ({@code dispatcher-ledger}), any other failure is retried
 * with back-off from where it was. States are decoded on the poll thread and only the dispatchers'
 * deliveries reach the context, where the map is changed.
 */
final class DeliveryLedger {

  private static final Logger LOG = LoggerFactory.getLogger(DeliveryLedger.class);
  private static final long PRUNE_EVERY_MS = 10 * 60_000;
  private static final String DISPATCHER_SOURCE = "\"source\":\"dispatcher\"";
  private static final String METER_NAME = "dispatcher-ledger";

  /**
   * @param deliveredAtMillis the latest delivery of the run's webhook, 0 before any
   */
  private record Entry(boolean delivered, long atMillis, long deliveredAtMillis) {}

  /** A dispatcher's delivery step read from the topic. */
  private record Noted(String runId, boolean delivered, long atMillis) {}

  private final KafkaSettings kafka;
  private final String name;
  private final Map<String, Entry> runs = new ConcurrentHashMap<>();
  private final Deserializer<String> values;
  private TopicFollower<Noted> follower;
  private Context context;
  private long pruneTimer = -1;

  DeliveryLedger(KafkaSettings kafka, String name) {
    this(kafka, name, new DispatcherStatesOnly());
  }

  /** With the caller's value decoding (tests feed it records it cannot decode). */
  DeliveryLedger(KafkaSettings kafka, String name, Deserializer<String> values) {
    this.kafka = kafka;
    this.name = name;
    this.values = values;
  }

  /** Reads the deliveries topic to its current end; completes on {@code context} when it has. */
  Future<Void> start(Context context) {
    String topic = kafka.topics().deliveries();
    this.context = context;
    follower =
        TopicFollower.decoding(
                context,
                KafkaClientProperties.reader(kafka, name),
                List.of(topic),
                DeliveryLedger::decode,
                batch -> batch.forEach(n -> note(n.runId(), n.delivered(), n.atMillis())))
            .values(values)
            // another dispatcher's deliveries matter only after a rebalance hands us its runs,
            // seconds later: reading them every 20 ms costs the broker a fetch per interval, not
            // one per delivery
            .paced(Duration.ofMillis(20))
            .named(name, METER_NAME);
    pruneTimer = context.owner().setPeriodic(PRUNE_EVERY_MS, t -> prune());
    return follower
        .start()
        .onSuccess(v -> LOG.info("{}: read {}: {} runs with a delivery", name, topic, runs.size()));
  }

  Future<Void> stop() {
    if (pruneTimer >= 0) {
      context.owner().cancelTimer(pruneTimer);
    }
    return follower == null ? Future.succeededFuture() : follower.stop();
  }

  boolean isClaimed(String runId) {
    return runs.containsKey(runId);
  }

  boolean isDelivered(String runId) {
    Entry entry = runs.get(runId);
    return entry != null && entry.delivered();
  }

  /**
   * Whether the run's webhook was delivered at or after {@code at}: an operator's redelivery
   * requested then has been made (by this record or a copy of it) and is not made again.
   */
  boolean deliveredSince(String runId, java.time.Instant at) {
    Entry entry = runs.get(runId);
    return entry != null && entry.delivered() && entry.deliveredAtMillis() >= at.toEpochMilli();
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

  /** Records skipped because they could not be decoded. */
  long skipped() {
    return follower == null ? 0 : follower.skipped();
  }

  private void note(String runId, boolean delivered, long atMillis) {
    runs.merge(
        runId,
        new Entry(delivered, atMillis, delivered ? atMillis : 0),
        (old, now) ->
            new Entry(
                old.delivered() || now.delivered(),
                Math.max(old.atMillis(), now.atMillis()),
                Math.max(old.deliveredAtMillis(), now.deliveredAtMillis())));
  }

  private void prune() {
    long cutoff = System.currentTimeMillis() - kafka.runRetention().toMillis();
    runs.values().removeIf(e -> e.atMillis() < cutoff);
  }

  /**
   * Decodes only the states dispatchers wrote: before each fact was written once, three in four
   * deliveries records came from gateways and workers, and a topic may still hold them within its
   * retention. Their values stay null.
   */
  static final class DispatcherStatesOnly extends SkippingStringDeserializer {

    private static final byte[] DISPATCHER = "dispatcher".getBytes(StandardCharsets.UTF_8);

    @Override
    protected boolean skip(String topic, Headers headers) {
      Header source = headers.lastHeader(RunHeaders.SOURCE);
      return source != null && !Arrays.equals(source.value(), DISPATCHER);
    }
  }

  /**
   * On the poll thread: the delivery step a dispatcher's state records, or null for a state with
   * none. A value that is not JSON throws, and the follower skips and counts it.
   */
  private static Noted decode(ConsumerRecord<String, String> record) {
    String value = record.value();
    // states gateways and workers wrote before the record model: skip them without parsing (a
    // record written before the source header existed is decoded, and told apart by its text)
    if (value == null || !value.contains(DISPATCHER_SOURCE)) {
      return null;
    }
    JsonObject webhook = new JsonObject(value).getJsonObject("webhook");
    if (webhook == null) {
      return null;
    }
    String status = webhook.getString("status", WebhookState.NONE);
    boolean delivered = WebhookState.DELIVERED.equals(status);
    // a delivery deferred before its first attempt has none yet, but a retry tier holds it
    if (delivered
        || WebhookState.FAILED.equals(status)
        || webhook.getInteger("attempts", 0) > 0
        || webhook.getValue("next_attempt_at") != null) {
      return new Noted(record.key(), delivered, record.timestamp());
    }
    return null;
  }
}
