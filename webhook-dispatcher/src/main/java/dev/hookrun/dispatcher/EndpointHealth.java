package dev.hookrun.dispatcher;

import dev.hookrun.common.delivery.EndpointState;
import dev.hookrun.common.delivery.EndpointTopic;
import dev.hookrun.common.kafka.DurableProducer;
import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.kafka.TopicFollower;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every webhook endpoint's health as the dispatchers share it on the endpoints topic, and the
 * disable decision ({@code ENDPOINT_DISABLE_AFTER}).
 *
 * <p>It reads the topic whole at start, before the dispatcher takes any work, then tails it. Its
 * own attempts change its view at once and are written at most every {@link #FLUSH_EVERY} (a
 * disable at once); another writer's record is merged in ({@link EndpointState#merge}) with this
 * dispatcher's unwritten attempts added on top. A record that had not seen a disable or enable this
 * dispatcher knows of is answered with the merged state, so the record compaction keeps carries
 * every decision.
 *
 * <p>Of the dispatchers that decide to disable an endpoint at about the same time, the one whose
 * record comes first on the topic (one partition: the same order for every reader) notifies the
 * project; the others see the endpoint disabled already when their own record comes back.
 *
 * <p>Used on the dispatcher's context only.
 */
final class EndpointHealth {

  static final Duration FLUSH_EVERY = Duration.ofSeconds(1);
  static final Duration PRUNE_EVERY = Duration.ofMinutes(1);
  private static final int LATENCY_WINDOW = 200;
  private static final String METER_NAME = "dispatcher-endpoints";
  private static final Logger LOG = LoggerFactory.getLogger(EndpointHealth.class);

  private final KafkaSettings kafka;
  private final String name;
  private final String writer;
  private final Duration disableAfter;
  private final Clock clock;
  private final Consumer<EndpointState> onDisabled;

  /** This dispatcher's view: the topic's records merged, and its own attempts. */
  private final Map<String, EndpointState> view = new HashMap<>();

  /** The topic's records alone, folded in their order: who disabled an endpoint first. */
  private final Map<String, EndpointState> logged = new HashMap<>();

  private final Map<String, long[]> unwritten = new HashMap<>();
  private final Map<String, LatencyWindow> latencies = new HashMap<>();
  private final Set<String> dirty = new HashSet<>();
  private DurableProducer producer;
  private TopicFollower<ConsumerRecord<String, String>> follower;
  private Context context;
  private long flushTimer = -1;
  private long pruneTimer = -1;
  private boolean caughtUp;

  EndpointHealth(
      KafkaSettings kafka,
      String name,
      Duration disableAfter,
      Clock clock,
      Consumer<EndpointState> onDisabled) {
    this.kafka = kafka;
    this.name = name;
    // unique per process life: a restarted dispatcher's name repeats, and must not take the
    // records of its previous life for its own
    this.writer = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    this.disableAfter = disableAfter;
    this.clock = clock;
    this.onDisabled = onDisabled;
  }

  /** Reads the topic to its current end; completes on {@code context} when it has. */
  Future<Void> start(Context context, DurableProducer producer) {
    this.context = context;
    this.producer = producer;
    follower =
        TopicFollower.records(
                context,
                KafkaClientProperties.reader(kafka, name + "-endpoints"),
                kafka.topics().endpoints(),
                batch -> batch.forEach(this::read))
            .paced(Duration.ofMillis(20))
            .named(name + "-endpoints", METER_NAME);
    return follower
        .start()
        .onSuccess(
            v -> {
              caughtUp = true;
              flushTimer = context.owner().setPeriodic(FLUSH_EVERY.toMillis(), t -> flush());
              pruneTimer = context.owner().setPeriodic(PRUNE_EVERY.toMillis(), t -> prune());
              LOG.info(
                  "{}: read {}: {} endpoint(s), {} disabled",
                  name,
                  kafka.topics().endpoints(),
                  view.size(),
                  view.values().stream().filter(EndpointState::disabled).count());
            });
  }

  Future<Void> stop() {
    if (flushTimer >= 0) {
      context.owner().cancelTimer(flushTimer);
    }
    if (pruneTimer >= 0) {
      context.owner().cancelTimer(pruneTimer);
    }
    if (follower == null) {
      return Future.succeededFuture();
    }
    flush(); // what this dispatcher saw is not lost with it
    return follower.stop();
  }

  /**
   * Whether deliveries to the endpoint are to be refused; disables it here when it has failed for
   * long enough.
   */
  boolean disabled(String endpoint) {
    EndpointState state = view.get(endpoint);
    if (state == null) {
      return false;
    }
    if (state.dueToDisable(clock.instant(), disableAfter)) {
      disable(state);
      return true;
    }
    return state.disabled();
  }

  /** One attempt's outcome: a success, or a failure of the endpoint (no answer, not 2xx). */
  void attempted(String endpoint, String project, boolean succeeded, long latencyNanos) {
    Instant now = clock.instant();
    EndpointState state =
        view.getOrDefault(endpoint, EndpointState.fresh(endpoint, project))
            .attempted(project, succeeded, now);
    view.put(endpoint, state);
    long[] counts = unwritten.computeIfAbsent(endpoint, k -> new long[2]);
    counts[0]++;
    counts[1] += succeeded ? 1 : 0;
    latencies.computeIfAbsent(endpoint, k -> new LatencyWindow()).add(latencyNanos / 1_000_000);
    dirty.add(endpoint);
    if (state.dueToDisable(now, disableAfter)) {
      disable(state);
    }
  }

  /** The endpoints as this dispatcher sees them (tests). */
  Map<String, EndpointState> view() {
    return Map.copyOf(view);
  }

  /**
   * How long an endpoint nobody attempts is remembered: the run retention, and at least the disable
   * time, so a rarely attempted failing endpoint keeps its failing streak long enough to be judged.
   */
  Duration retention() {
    Duration runs = kafka.runRetention();
    return runs.compareTo(disableAfter) >= 0 ? runs : disableAfter;
  }

  /**
   * Forgets the endpoints with no attempt for {@link #retention()} that are not disabled (a disable
   * stays until an operator enables it): drops them here and writes a tombstone, so compaction
   * drops them from the topic and every dispatcher, reading it, from its memory. Any dispatcher may
   * notice first; one that attempts the endpoint meanwhile writes it anew.
   */
  void prune() {
    Instant now = clock.instant();
    Duration keep = retention();
    String topic = kafka.topics().endpoints();
    for (EndpointState state : new ArrayList<>(view.values())) {
      String endpoint = state.endpoint();
      Instant last = lastAttempt(state);
      if (state.disabled()
          || dirty.contains(endpoint)
          || unwritten.containsKey(endpoint)
          || last == null
          || !last.plus(keep).isBefore(now)) {
        continue;
      }
      forget(endpoint);
      LOG.info("endpoint {} forgotten: no attempt since {}", endpoint, last);
      producer
          .send(new ProducerRecord<>(topic, endpoint, null))
          .onFailure(
              e -> {
                if (!(e instanceof DurableProducer.Stopping)) {
                  LOG.warn(
                      "endpoint {}: its tombstone was not written: {}", endpoint, e.toString());
                }
              });
    }
  }

  private static Instant lastAttempt(EndpointState state) {
    Instant success = state.lastSuccessAt();
    Instant failure = state.lastFailureAt();
    Instant last =
        success == null || (failure != null && failure.isAfter(success)) ? failure : success;
    return last != null ? last : state.updatedAt();
  }

  private void forget(String endpoint) {
    view.remove(endpoint);
    logged.remove(endpoint);
    latencies.remove(endpoint);
    dirty.remove(endpoint);
    unwritten.remove(endpoint);
  }

  private void disable(EndpointState state) {
    Instant now = clock.instant();
    LOG.warn(
        "endpoint {} disabled: every attempt failed since {} ({} in a row), ENDPOINT_DISABLE_AFTER={}",
        state.endpoint(),
        state.failingSince(),
        state.consecutiveFailures(),
        disableAfter);
    view.put(state.endpoint(), state.disable(now));
    dirty.add(state.endpoint());
    write(state.endpoint()); // a decision is written at once: the other dispatchers follow it
  }

  private void flush() {
    for (String endpoint : new ArrayList<>(dirty)) {
      write(endpoint);
    }
  }

  private void write(String endpoint) {
    dirty.remove(endpoint);
    unwritten.remove(endpoint);
    LatencyWindow window = latencies.get(endpoint);
    EndpointState state = view.get(endpoint);
    if (window != null) {
      state = state.withLatencyP95(window.p95());
    }
    state = state.writtenBy(writer, clock.instant());
    view.put(endpoint, state);
    String topic = kafka.topics().endpoints();
    producer
        .send(new ProducerRecord<>(topic, endpoint, state.toJson().encode()))
        .onFailure(
            e -> {
              if (!(e instanceof DurableProducer.Stopping)) {
                LOG.warn(
                    "endpoint {}: its state was not written to {}: {}",
                    endpoint,
                    topic,
                    e.toString());
                dirty.add(endpoint); // the next flush tries again
              }
            });
  }

  private void read(ConsumerRecord<String, String> record) {
    if (record.key() != null && record.value() == null) {
      // a tombstone: another dispatcher (or this one) forgot the endpoint. Attempts this one made
      // since are not lost: they are written again as the endpoint's first record.
      if (unwritten.containsKey(record.key())) {
        logged.remove(record.key());
        dirty.add(record.key());
      } else {
        forget(record.key());
      }
      return;
    }
    EndpointState incoming = EndpointTopic.decode(record);
    if (incoming == null) {
      return;
    }
    String endpoint = record.key();
    EndpointState before = logged.get(endpoint);
    EndpointState folded = before == null ? incoming : before.merge(incoming);
    logged.put(endpoint, folded);
    if (caughtUp
        && writer.equals(incoming.writer())
        && folded.disabled()
        && (before == null || !before.disabled())) {
      onDisabled.accept(folded);
    }
    EndpointState mine = view.get(endpoint);
    EndpointState merged = mine == null ? incoming : mine.merge(incoming);
    long[] counts = unwritten.get(endpoint);
    if (counts != null) {
      merged = merged.plusCounts(counts[0], counts[1]);
    }
    view.put(endpoint, merged);
    if (!Objects.equals(merged.disabledAt(), incoming.disabledAt())
        || !Objects.equals(merged.enabledAt(), incoming.enabledAt())) {
      dirty.add(endpoint); // the record missed a decision: the next flush writes it again
    }
  }

  /** The recent attempts' latencies of one endpoint, in milliseconds. */
  private static final class LatencyWindow {
    private final long[] millis = new long[LATENCY_WINDOW];
    private int count;

    void add(long value) {
      millis[count % LATENCY_WINDOW] = value;
      count++;
    }

    Long p95() {
      int n = Math.min(count, LATENCY_WINDOW);
      if (n == 0) {
        return null;
      }
      long[] sorted = java.util.Arrays.copyOf(millis, n);
      java.util.Arrays.sort(sorted);
      return sorted[Math.min(n - 1, (int) Math.ceil(n * 0.95) - 1)];
    }
  }
}
