package dev.hookrun.bench;

import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.kafka.EmbeddedKafkaBroker;
import dev.hookrun.worker.WorkerConfig;
import dev.hookrun.worker.WorkerVerticle;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Which rebalance protocol moves less work when a worker joins or leaves: the classic protocol with
 * the cooperative-sticky assignor, or KIP-848's consumer protocol. For each, three workers settle,
 * a fourth joins, then one leaves gracefully; the bench prints how many partitions were taken from
 * members that kept working, and how long until the group was stable again.
 */
public final class RebalanceBench {

  private RebalanceBench() {}

  public static void main(String[] args) throws Exception {
    try (EmbeddedKafkaBroker broker =
        new EmbeddedKafkaBroker(Files.createTempDirectory("rebalance-bench"), 0).start()) {
      System.out.printf(
          "%-10s %-8s %22s %14s%n", "protocol", "event", "partitions moved", "stable after");
      for (String protocol : List.of("classic", "consumer")) {
        measure(broker, protocol);
      }
    }
  }

  private static void measure(EmbeddedKafkaBroker broker, String protocol) throws Exception {
    KafkaSettings kafka =
        KafkaSettings.local(broker.bootstrapServers(), "rb-" + UUID.randomUUID() + ".")
            .withGroupProtocol(protocol)
            .withSessionTimeout(Duration.ofSeconds(10));
    String group = "bench-" + protocol + "-" + UUID.randomUUID();
    List<Vertx> processes = new ArrayList<>();
    List<WorkerVerticle> workers = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        processes.add(Vertx.vertx());
      }
      for (int i = 0; i < 3; i++) {
        workers.add(deploy(processes.get(i), kafka, group, "w" + i));
      }
      waitFor(
          () -> workers.stream().allMatch(w -> w.assignment().size() == 4), Duration.ofSeconds(60));
      int before = revoked(workers);

      long t0 = System.nanoTime();
      WorkerVerticle fourth = deploy(processes.get(3), kafka, group, "w3");
      List<WorkerVerticle> all = new ArrayList<>(workers);
      all.add(fourth);
      waitFor(() -> all.stream().allMatch(w -> w.assignment().size() == 3), Duration.ofSeconds(60));
      print(protocol, "join", revoked(workers) - before, t0);

      int beforeLeave = revoked(all.subList(1, 4));
      long t1 = System.nanoTime();
      processes.get(0).close().await();
      List<WorkerVerticle> left = all.subList(1, 4);
      waitFor(
          () -> left.stream().mapToInt(w -> w.assignment().size()).sum() == 12,
          Duration.ofSeconds(60));
      print(protocol, "leave", revoked(left) - beforeLeave, t1);
    } finally {
      for (Vertx p : processes) {
        try {
          p.close().await();
        } catch (RuntimeException ignored) {
          // closed above
        }
      }
    }
  }

  private static WorkerVerticle deploy(Vertx vertx, KafkaSettings kafka, String group, String id) {
    WorkerVerticle worker =
        new WorkerVerticle(
            WorkerConfig.defaults(kafka, id).withGroupId(group).withDrainTimeout(Duration.ZERO));
    vertx.deployVerticle(worker).await();
    return worker;
  }

  private static int revoked(List<WorkerVerticle> workers) {
    return workers.stream().mapToInt(w -> w.revokedPartitions() + w.lostPartitions()).sum();
  }

  private static void print(String protocol, String event, int moved, long startNanos) {
    System.out.printf(
        "%-10s %-8s %22d %12.2f s%n",
        protocol, event, moved, (System.nanoTime() - startNanos) / 1e9);
  }

  private static void waitFor(BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("group did not settle within " + timeout);
      }
      Thread.sleep(20);
    }
  }
}
