package dev.hookrun.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A three-node (or n-node) KRaft cluster on loopback, each node a combined broker and controller in
 * its own JVM started from the same Kafka artifacts as {@link EmbeddedKafkaBroker}, with {@code
 * controller.quorum.voters} naming all of them, internal topics replicated 3 ways and {@code
 * min.insync.replicas=2}.
 *
 * <p>Nodes are separate processes, not servers inside the test JVM, because the fault that matters
 * is a node that vanishes without a word: {@link #kill} is a real {@code kill -9} (no controlled
 * shutdown, no leadership hand-over: the controller finds out only when the broker's session
 * expires), and {@link #stop} is the SIGTERM of a rolling restart (controlled shutdown moves
 * leadership first). Ports stay fixed, so a node comes back as the same voter.
 *
 * <p>Over 300 lines (as formatted) on purpose: a test and bench tool whose start, kill and restart
 * of nodes share the per-node process state.
 */
public final class LocalKafkaCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaCluster.class);

  private final Path dataDir;
  private final int size;
  private final int[] brokerPorts;
  private final int[] controllerPorts;
  private final Map<String, String> overrides;
  private final Process[] processes;
  private final String clusterId = Uuid.randomUuid().toString();

  public LocalKafkaCluster(Path dataDir, int size, Map<String, String> overrides) {
    this.dataDir = dataDir.toAbsolutePath();
    this.size = size;
    int[] ports = FreePorts.pick(size * 2);
    this.brokerPorts = java.util.Arrays.copyOfRange(ports, 0, size);
    this.controllerPorts = java.util.Arrays.copyOfRange(ports, size, size * 2);
    this.overrides = Map.copyOf(overrides);
    this.processes = new Process[size];
    // the nodes are child processes: never leave them running after the JVM that started them
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (Process p : processes) {
                    if (p != null) {
                      p.destroyForcibly();
                    }
                  }
                },
                "kafka-cluster-cleanup"));
  }

  /** Starts every node and returns once all of them are registered brokers. */
  public LocalKafkaCluster start() {
    for (int node = 1; node <= size; node++) {
      launch(node);
    }
    awaitBrokers(size, Duration.ofSeconds(90));
    return this;
  }

  public String bootstrapServers() {
    List<String> all = new ArrayList<>();
    for (int port : brokerPorts) {
      all.add("127.0.0.1:" + port);
    }
    return String.join(",", all);
  }

  public int size() {
    return size;
  }

  /** kill -9 of one node (1-based id): no controlled shutdown, the cluster must notice. */
  public synchronized void kill(int node) {
    Process p = processes[node - 1];
    if (p == null) {
      return;
    }
    p.destroyForcibly();
    waitFor(p);
    processes[node - 1] = null;
    LOG.info("Kafka node {} killed (-9)", node);
  }

  /** SIGTERM of one node: a controlled shutdown, as in a rolling restart. */
  public synchronized void stop(int node) {
    Process p = processes[node - 1];
    if (p == null) {
      return;
    }
    p.destroy();
    waitFor(p);
    processes[node - 1] = null;
    LOG.info("Kafka node {} stopped", node);
  }

  /** Starts a stopped or killed node again, on its ports and data, and waits until it is back. */
  public void restart(int node) {
    launch(node);
    awaitBrokers(size, Duration.ofSeconds(90));
  }

  public synchronized boolean isRunning(int node) {
    return processes[node - 1] != null && processes[node - 1].isAlive();
  }

  /** Leader node id per partition of a topic (-1 when a partition has none). */
  public Map<Integer, Integer> leaders(String topic) {
    try (Admin admin = admin()) {
      TopicDescription d =
          admin.describeTopics(List.of(topic)).allTopicNames().get(15, TimeUnit.SECONDS).get(topic);
      Map<Integer, Integer> out = new HashMap<>();
      for (TopicPartitionInfo p : d.partitions()) {
        out.put(p.partition(), p.leader() == null ? -1 : p.leader().id());
      }
      return out;
    } catch (Exception e) {
      throw new IllegalStateException("cannot describe " + topic, e);
    }
  }

  /** The node that leads the most partitions of a topic. */
  public int leaderOfMost(String topic) {
    return leaders(topic).values().stream()
        .collect(Collectors.groupingBy(n -> n, Collectors.counting()))
        .entrySet()
        .stream()
        .max(Map.Entry.comparingByValue())
        .orElseThrow()
        .getKey();
  }

  /** Waits until every partition of the topics has all its replicas in sync again. */
  public void awaitFullIsr(Collection<String> topics, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = admin()) {
      while (true) {
        try {
          var descriptions = admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
          boolean full =
              descriptions.values().stream()
                  .flatMap(d -> d.partitions().stream())
                  .allMatch(p -> p.leader() != null && p.isr().size() == p.replicas().size());
          if (full) {
            return;
          }
        } catch (Exception retry) {
          // a node is still coming back
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "replicas of " + topics + " not in sync after " + timeout);
        }
        TimeUnit.MILLISECONDS.sleep(
            250); // polling the cluster's state, not waiting for time to pass
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Ends every node at once. Not one by one with SIGTERM: the last node's controlled shutdown waits
   * for a controller quorum that no longer exists (a minute, then the kill anyway).
   */
  @Override
  public void close() {
    for (int node = 1; node <= size; node++) {
      kill(node);
    }
  }

  private Admin admin() {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
            5_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            10_000));
  }

  private void awaitBrokers(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = admin()) {
      while (true) {
        try {
          Set<Integer> ids =
              admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream()
                  .map(Node::id)
                  .collect(Collectors.toSet());
          if (ids.size() >= count) {
            return;
          }
        } catch (Exception retry) {
          // not up yet
        }
        for (int i = 0; i < size; i++) {
          Process p = processes[i];
          if (p != null && !p.isAlive()) {
            throw new IllegalStateException(
                "Kafka node "
                    + (i + 1)
                    + " exited with "
                    + p.exitValue()
                    + "; see "
                    + nodeDir(i + 1).resolve("node.log"));
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(count + " Kafka nodes not up after " + timeout);
        }
        TimeUnit.MILLISECONDS.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private synchronized void launch(int node) {
    if (processes[node - 1] != null) {
      return;
    }
    try {
      Path dir = nodeDir(node);
      Path propsFile =
          KraftStorage.prepare(dir, nodeProperties(node), clusterId, "hookrun's LocalKafkaCluster");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder pb =
          new ProcessBuilder(
                  java,
                  "-Xms64m",
                  "-Xmx384m",
                  "-XX:+UseSerialGC",
                  "-cp",
                  System.getProperty("java.class.path"),
                  "kafka.Kafka",
                  propsFile.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node.log").toFile()));
      processes[node - 1] = pb.start();
      LOG.info(
          "Kafka node {} starting on 127.0.0.1:{} (log {})",
          node,
          brokerPorts[node - 1],
          dir.resolve("node.log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path nodeDir(int node) {
    return dataDir.resolve("node-" + node);
  }

  private Properties nodeProperties(int node) {
    List<String> voters = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      voters.add((i + 1) + "@127.0.0.1:" + controllerPorts[i]);
    }
    int replication = Math.min(3, size);
    int minIsr = Math.max(1, replication - 1);
    Properties p =
        KraftNodeProperties.of(
            node,
            String.join(",", voters),
            brokerPorts[node - 1],
            controllerPorts[node - 1],
            nodeDir(node).resolve("logs"),
            replication,
            minIsr);
    p.put("unclean.leader.election.enable", "false");
    // broker.session.timeout.ms stays at Kafka's default (9 s): how long a killed node's
    // partitions wait for new leaders is part of what the cluster tests measure.
    p.putAll(overrides);
    return p;
  }

  private static void waitFor(Process p) {
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
