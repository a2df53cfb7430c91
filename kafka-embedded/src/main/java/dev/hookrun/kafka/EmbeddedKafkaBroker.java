package dev.hookrun.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.server.metrics.KafkaYammerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running inside this JVM.
 *
 * <p>It is the same broker code as a production cluster, started from the Maven Central artifacts,
 * so tests and the local run exercise real partitions, consumer groups, rebalances and compaction
 * without a Docker engine. Data lives under {@code dataDir}; a directory that was already formatted
 * is reused, so the local run keeps its topics across restarts.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  private static final Set<String> REQUEST_TYPES =
      Arrays.stream(ApiKeys.values()).map(key -> key.name).collect(Collectors.toUnmodifiableSet());

  private final Path dataDir;
  private final int brokerPort;
  private final int controllerPort;
  private final Map<String, String> overrides;
  private final int listenerPort;
  private String listenerName;
  private String listenerProtocol;
  private KafkaRaftServer server;

  /**
   * @param dataDir where the broker keeps its log segments and metadata
   * @param brokerPort the client port, or 0 to pick a free one
   * @param overrides broker properties that replace the defaults (for tests that need e.g. short
   *     session timeouts)
   */
  public EmbeddedKafkaBroker(Path dataDir, int brokerPort, Map<String, String> overrides) {
    this.dataDir = dataDir.toAbsolutePath();
    int[] free = FreePorts.pick(3);
    this.brokerPort = brokerPort == 0 ? free[0] : brokerPort;
    this.controllerPort = free[1] == this.brokerPort ? free[0] : free[1];
    this.listenerPort = free[2] == this.brokerPort ? free[0] : free[2];
    this.overrides = Map.copyOf(overrides);
  }

  /**
   * Adds a client listener beside PLAINTEXT (which stays the inter-broker listener), for a test of
   * the clients' security settings: e.g. {@code SECURE} with {@code SASL_SSL}. Its own settings go
   * in the overrides as {@code listener.name.<name lower-case>.…}. Call before {@link #start()}.
   */
  public synchronized EmbeddedKafkaBroker withListener(String name, String securityProtocol) {
    this.listenerName = name;
    this.listenerProtocol = securityProtocol;
    return this;
  }

  /** The address of the listener added with {@link #withListener}. */
  public String listenerBootstrapServers() {
    if (listenerName == null) {
      throw new IllegalStateException("no listener was added");
    }
    return "127.0.0.1:" + listenerPort;
  }

  public EmbeddedKafkaBroker(Path dataDir, int brokerPort) {
    this(dataDir, brokerPort, Map.of());
  }

  /** Formats the storage if needed and starts the broker; returns once it accepts clients. */
  public synchronized EmbeddedKafkaBroker start() {
    if (server != null) {
      return this;
    }
    // A broker that hits a fatal error calls Exit, which would end the whole JVM (and with it the
    // gateway and workers of the local run). Turn that into an exception we can report instead.
    Exit.setExitProcedure(
        (code, message) -> {
          throw new IllegalStateException("Kafka broker requested exit " + code + ": " + message);
        });
    Exit.setHaltProcedure(
        (code, message) -> {
          throw new IllegalStateException("Kafka broker requested halt " + code + ": " + message);
        });
    try {
      Properties props = brokerProperties();
      // a new cluster id only for new storage: a formatted one keeps its own
      KraftStorage.prepare(
          dataDir, props, Uuid.randomUuid().toString(), "hookrun's embedded broker");
      long t0 = System.nanoTime();
      server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
      server.startup();
      LOG.info(
          "Kafka broker (KRaft) listening on {} in {} ms, data in {}",
          bootstrapServers(),
          (System.nanoTime() - t0) / 1_000_000,
          dataDir);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  public int port() {
    return brokerPort;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Where the broker keeps its partitions' directories ({@code log.dirs}). */
  public Path logDir() {
    return dataDir.resolve("logs");
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  /** Stops the broker; its data stays, so {@link #start()} brings the same cluster back. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    server.shutdown();
    server.awaitShutdown();
    server = null;
    LOG.info("Kafka broker on {} stopped", bootstrapServers());
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Requests this broker has served since it started, by request type (Produce, Fetch, ...): what
   * the benchmark divides by runs to show what a run costs the broker. Only Kafka's request types:
   * the broker also meters its fetches as {@code FetchConsumer} or {@code FetchFollower}, and
   * counting those too made every fetch count twice in the total.
   */
  public static Map<String, Long> requestCounts() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    KafkaYammerMetrics.defaultRegistry()
        .allMetrics()
        .forEach(
            (name, metric) -> {
              String mbean = name.getMBeanName();
              if (metric instanceof com.yammer.metrics.core.Meter meter
                  && mbean.startsWith("kafka.network:type=RequestMetrics,name=RequestsPerSec,")) {
                int at = mbean.indexOf("request=");
                if (at >= 0) {
                  int end = mbean.indexOf(',', at);
                  String type = mbean.substring(at + 8, end < 0 ? mbean.length() : end);
                  if (REQUEST_TYPES.contains(type)) {
                    counts.merge(type, meter.count(), Long::sum);
                  }
                }
              }
            });
    return counts;
  }

  private Properties brokerProperties() {
    Properties p =
        KraftNodeProperties.of(
            1, "1@127.0.0.1:" + controllerPort, brokerPort, controllerPort, logDir(), 1, 1);
    // look for dirty compacted logs every second instead of every 15 s
    p.put("log.cleaner.backoff.ms", "1000");
    p.put("group.consumer.min.session.timeout.ms", "3000");
    p.put("group.consumer.min.heartbeat.interval.ms", "500");
    // Kafka's 3 network and 8 I/O threads are sized for a broker with a machine of its own; this
    // one shares the process (and, on a laptop or a CI runner, two cores) with every stage, and a
    // dozen threads taking turns cost more than they serve.
    int cores = Runtime.getRuntime().availableProcessors();
    p.put("num.network.threads", Integer.toString(Math.max(1, Math.min(3, cores / 4))));
    p.put("num.io.threads", Integer.toString(Math.max(2, Math.min(8, cores))));
    if (listenerName != null) {
      String address = listenerName + "://127.0.0.1:" + listenerPort;
      p.put("listeners", p.getProperty("listeners") + "," + address);
      p.put("advertised.listeners", p.getProperty("advertised.listeners") + "," + address);
      p.put(
          "listener.security.protocol.map",
          p.getProperty("listener.security.protocol.map")
              + ","
              + listenerName
              + ":"
              + listenerProtocol);
    }
    p.putAll(overrides);
    return p;
  }
}
