package dev.hookrun.common.health;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a service can do its work: Kafka answers, the topics it needs exist, and any checks the
 * stage adds (its consumer has joined its group) hold.
 *
 * <p>{@code /readyz} must answer at once and never block an event loop, so Kafka is probed on a
 * thread of its own every few seconds with short timeouts, and requests read the last verdict. One
 * long-lived Admin client does the probing: it reconnects by itself when a broker returns.
 */
public final class ReadinessCheck implements AutoCloseable {

  /** The verdict {@code /readyz} serves. */
  public record Status(boolean ready, JsonObject details) {}

  private static final Logger LOG = LoggerFactory.getLogger(ReadinessCheck.class);
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(3);

  private final Admin admin;
  private final Set<String> topics;
  private final Duration interval;
  private final Map<String, BooleanSupplier> checks = new ConcurrentHashMap<>();
  private final ScheduledExecutorService prober;
  private volatile Probe last = new Probe(false, "not checked yet", List.of(), null);

  private record Probe(boolean kafkaOk, String message, List<String> missingTopics, Instant at) {}

  private ReadinessCheck(
      KafkaSettings kafka, Collection<String> topics, String service, Duration interval) {
    this.admin =
        Admin.create(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.admin(kafka, "hookrun-readiness-" + service)));
    this.topics = new TreeSet<>(topics);
    this.interval = interval;
    this.prober =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "hookrun-readiness-" + service);
              t.setDaemon(true);
              return t;
            });
    prober.scheduleWithFixedDelay(this::probe, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts probing Kafka for {@code service}, which needs {@code topics} to exist. */
  public static ReadinessCheck kafka(
      KafkaSettings kafka, Collection<String> topics, String service) {
    return new ReadinessCheck(kafka, topics, service, DEFAULT_INTERVAL);
  }

  public static ReadinessCheck kafka(
      KafkaSettings kafka, Collection<String> topics, String service, Duration interval) {
    return new ReadinessCheck(kafka, topics, service, interval);
  }

  /** Adds a condition (called on request threads: keep it cheap and thread-safe). */
  public ReadinessCheck require(String name, BooleanSupplier check) {
    checks.put(name, check);
    return this;
  }

  public void remove(String name) {
    checks.remove(name);
  }

  public Status status() {
    Probe probe = last;
    JsonObject details = new JsonObject();
    boolean fresh =
        probe.at() != null && probe.at().isAfter(Instant.now().minus(interval.multipliedBy(3)));
    boolean kafkaOk = probe.kafkaOk() && fresh;
    details.put(
        "kafka",
        new JsonObject()
            .put("ok", kafkaOk)
            .put(
                "message",
                fresh || probe.at() == null ? probe.message() : "no answer from the last probes")
            .put("checked_at", probe.at() == null ? null : probe.at().toString()));
    boolean topicsOk = kafkaOk && probe.missingTopics().isEmpty();
    details.put(
        "topics",
        new JsonObject()
            .put("ok", topicsOk)
            .put("missing", new JsonArray(new ArrayList<>(probe.missingTopics()))));
    boolean ready = kafkaOk && topicsOk;
    for (var check : new java.util.TreeMap<>(checks).entrySet()) {
      boolean ok;
      try {
        ok = check.getValue().getAsBoolean();
      } catch (RuntimeException e) {
        ok = false;
      }
      details.put(check.getKey(), new JsonObject().put("ok", ok));
      ready &= ok;
    }
    return new Status(
        ready,
        new JsonObject().put("status", ready ? "ready" : "not_ready").put("checks", details));
  }

  private void probe() {
    int timeoutMs = (int) Math.max(500, Math.min(2_000, interval.toMillis()));
    Probe previous = last;
    Probe next;
    try {
      int nodes =
          admin
              .describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
              .nodes()
              .get(timeoutMs + 500L, TimeUnit.MILLISECONDS)
              .size();
      Set<String> existing =
          admin
              .listTopics(new ListTopicsOptions().timeoutMs(timeoutMs))
              .names()
              .get(timeoutMs + 500L, TimeUnit.MILLISECONDS);
      List<String> missing = topics.stream().filter(t -> !existing.contains(t)).toList();
      next = new Probe(true, nodes + " broker(s) reachable", missing, Instant.now());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      next =
          new Probe(
              false,
              "Kafka unreachable: " + cause.getClass().getSimpleName(),
              List.of(),
              Instant.now());
    }
    if (previous.kafkaOk() != next.kafkaOk() && previous.at() != null) {
      // once per change, not once per probe
      if (next.kafkaOk()) {
        LOG.info("readiness: Kafka reachable again");
      } else {
        LOG.warn("readiness: {}", next.message());
      }
    }
    last = next;
  }

  /**
   * Stops probing; the Admin closes on the probe thread, so a caller on an event loop never waits.
   */
  @Override
  public void close() {
    if (!prober.isShutdown()) {
      prober.execute(() -> admin.close(Duration.ofSeconds(2)));
      prober.shutdown();
    }
  }
}
