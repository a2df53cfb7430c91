package dev.hookrun.common.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The only place Kafka client properties are written. Keys and values are JSON text (String
 * serdes): a malformed value then fails in our parsing, where it is counted and skipped, instead of
 * inside the consumer's poll, where it would stop the partition.
 */
public final class KafkaClientProperties {

  private static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

  private KafkaClientProperties() {}

  /**
   * A durable producer: acks=all and idempotence, so a record acknowledged to us is on every
   * in-sync replica exactly once. {@code timeout} bounds how long a send may take, the wait for
   * metadata ({@link #metadataWait}) and the wait for the acknowledgement together, which is what
   * lets a gateway answer 503 within about that time instead of hanging.
   */
  public static Map<String, String> producer(
      KafkaSettings kafka, String clientId, Duration timeout) {
    return producer(kafka, clientId, timeout, timeout);
  }

  /**
   * A durable producer whose records may keep trying past the send timeout, up to {@code
   * deliveryTimeout} in all: the caller answers by {@code timeout} whatever happened (the gateway's
   * 503 {@code outcome_unknown}), while the record still gets through a stall that a cluster
   * resolves by itself, such as a dead node's fencing. {@code timeout} still bounds the wait for
   * metadata ({@link #metadataWait}); equal timeouts give {@link #producer(KafkaSettings, String,
   * Duration)}.
   */
  public static Map<String, String> producer(
      KafkaSettings kafka, String clientId, Duration timeout, Duration deliveryTimeout) {
    Map<String, String> p = base(kafka, clientId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    // Clients 4.x default linger.ms to 5, which caps a request-per-ack gateway at about 10k/s on
    // this hardware; the idempotent producer still batches whatever is queued during a send.
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    // Room for the largest request record, so a body the gateway accepted is never refused by
    // the client (never below Kafka's 1 MiB default, which the other topics' records rely on).
    p.put(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        Integer.toString(
            Math.max(DEFAULT_MAX_REQUEST_SIZE, kafka.requestLimits().maxRecordBytes())));
    long block = metadataWait(timeout).toMillis();
    long beyond = Math.max(0, deliveryTimeout.toMillis() - timeout.toMillis());
    long delivery = Math.max(1_000, timeout.toMillis() - block) + beyond;
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(block));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(delivery));
    // the client refuses a delivery timeout below linger + request timeout; a produce request
    // waiting on a live leader for a dead follower's fencing must not be cut (and retried) first
    p.put(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
        Long.toString(Math.min(delivery, Math.max(1_000, timeout.toMillis() / 2) + beyond)));
    p.putAll(kafka.extraClientProperties());
    return p;
  }

  /**
   * A durable producer whose {@code send()} is called on an event loop: it waits at most 50 ms for
   * metadata or buffer space (the caller fetches metadata ahead and retries a send that timed out).
   *
   * <p>{@code linger} is zero for a producer on a run's way to its webhook (the worker's outcome):
   * a 1 ms linger there was most of the gap to BullMQ's median at 500 req/s (e2e p50 2.5 → 1.3 ms
   * without it). Batching still happens where it pays, under load: what is appended while a request
   * is out leaves in the next one (full load, alternating passes: 0.37–0.40 ms of CPU per run
   * without the linger, 0.39–0.42 with it; docs/PERFORMANCE.md). A producer whose records no run
   * waits for (the dispatcher's, written after the webhook) may linger and so send fewer requests.
   */
  public static Map<String, String> eventLoopProducer(
      KafkaSettings kafka, String clientId, Duration timeout, Duration linger) {
    Map<String, String> p = producer(kafka, clientId, timeout);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "50");
    p.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(linger.toMillis()));
    p.putAll(kafka.extraClientProperties()); // again: an operator's settings win over ours
    return p;
  }

  /**
   * The part of a producer's send timeout that {@code send()} may spend blocked waiting for topic
   * metadata, which it has none of after the broker went away and came back.
   */
  public static Duration metadataWait(Duration sendTimeout) {
    return Duration.ofMillis(Math.max(250, sendTimeout.toMillis() / 4));
  }

  /**
   * A group member that commits by hand: auto-commit off, because a record counts as done only when
   * its outcome is in Kafka, which only the stage knows. Incremental rebalancing (the
   * cooperative-sticky assignor, or the KIP-848 consumer protocol) keeps partitions that do not
   * move working through a rebalance.
   */
  public static Map<String, String> consumer(
      KafkaSettings kafka,
      String groupId,
      String clientId,
      Duration maxPollInterval,
      int maxPollRecords) {
    Map<String, String> p = base(kafka, clientId);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
    p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Long.toString(maxPollInterval.toMillis()));
    if (kafka.groupProtocol().equals("consumer")) {
      // KIP-848: the broker assigns partitions and sets the heartbeat; session timeout and
      // assignor are broker-side group settings under this protocol.
      p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
    } else {
      p.put(
          ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
          CooperativeStickyAssignor.class.getName());
      long session = kafka.sessionTimeout().toMillis();
      p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Long.toString(session));
      p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Long.toString(Math.max(500, session / 4)));
    }
    p.putAll(kafka.extraClientProperties());
    return p;
  }

  /**
   * A member of a share group that takes one record per free slot: each record is acknowledged by
   * hand ({@code explicit}), and a poll acquires at most {@code maxPollRecords} of them ({@code
   * record_limit}), so a worker never holds a queued run it has no slot for while another worker is
   * free (docs/decisions.md).
   */
  public static Map<String, String> shareConsumer(
      KafkaSettings kafka, String groupId, String clientId, int maxPollRecords) {
    Map<String, String> p = base(kafka, clientId);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    p.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
    p.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.putAll(kafka.extraClientProperties());
    return p;
  }

  /** A consumer outside any group (assign + seek), for broadcast topics and inspection. */
  public static Map<String, String> reader(KafkaSettings kafka, String clientId) {
    Map<String, String> p = base(kafka, clientId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.putAll(kafka.extraClientProperties());
    return p;
  }

  public static Map<String, String> admin(KafkaSettings kafka, String clientId) {
    Map<String, String> p = base(kafka, clientId);
    p.put("request.timeout.ms", "10000");
    p.put("default.api.timeout.ms", "15000");
    p.putAll(kafka.extraClientProperties());
    return p;
  }

  public static Map<String, Object> asObjects(Map<String, String> props) {
    return new HashMap<>(props);
  }

  private static Map<String, String> base(KafkaSettings kafka, String clientId) {
    Map<String, String> p = new HashMap<>();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("client.id", clientId);
    // Fail fast and retry often against a broker that is restarting, instead of backing off to
    // a second and more.
    p.put("reconnect.backoff.max.ms", "1000");
    // TLS and SASL in the one place every client starts from; KAFKA_CLIENT_CONFIG_FILE, merged
    // after, can still add to or override them
    p.putAll(kafka.security().clientProperties());
    return p;
  }
}
