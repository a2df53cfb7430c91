package dev.hookrun.bench;

import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.common.run.RunRequest;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Drives one worker process (started by bench/worker-capacity.sh with -Xmx512m) straight through
 * Kafka, the way gateways feed it:
 *
 * <ol>
 *   <li>100,000 delay runs at once: how long until all are in flight, and the worker's heap after a
 *       full GC while it holds them (target: under 512 MB);
 *   <li>10,000 runs of 3 s: the time from the last request acknowledged by Kafka to the last
 *       outcome on the results topic (target: 6 s).
 * </ol>
 */
public final class WorkerCapacityBench {

  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

  private WorkerCapacityBench() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String prefix = args[1];
    long workerPid = Long.parseLong(args[2]);
    int holdRuns = args.length > 3 ? Integer.parseInt(args[3]) : 100_000;
    int shortRuns = args.length > 4 ? Integer.parseInt(args[4]) : 10_000;

    try (var producer = producer(bootstrap)) {
      // 1. hold
      double holdMins = 1.5;
      long t0 = System.nanoTime();
      Set<String> held = submit(producer, prefix, "hold-", holdRuns, holdMins);
      double produced = (System.nanoTime() - t0) / 1e9;
      waitForRunning(bootstrap, new Topics(prefix).results(), held, Duration.ofSeconds(80));
      double inFlightAfter = (System.nanoTime() - t0) / 1e9;
      long heapMb = heapAfterFullGc(workerPid);
      long rssMb = rssMb(workerPid);
      System.out.printf(
          "hold:    %,d runs produced in %.1f s, all in flight after %.1f s; worker heap after full GC %d MB (RSS %d MB)%n",
          holdRuns, produced, inFlightAfter, heapMb, rssMb);
      System.out.printf("         target heap < 512 MB: %s%n", heapMb < 512 ? "MET" : "NOT MET");
      waitForOutcomes(bootstrap, new Topics(prefix).results(), held, Duration.ofMinutes(4));
      System.out.printf(
          "         all %,d outcomes published %.1f s after the hold started%n",
          holdRuns, (System.nanoTime() - t0) / 1e9);

      // 2. makespan
      Set<String> quick = new HashSet<>();
      AtomicLong lastAck = new AtomicLong();
      CountDownLatch acked = new CountDownLatch(shortRuns);
      long s0 = System.nanoTime();
      for (int i = 0; i < shortRuns; i++) {
        RunRequest request = request("quick-" + i + "-" + s0, 0.05);
        quick.add(request.runId());
        producer.send(
            new ProducerRecord<>(
                new Topics(prefix).requests(), request.runId(), request.toJson().encode()),
            (meta, error) -> {
              lastAck.accumulateAndGet(System.nanoTime(), Math::max);
              acked.countDown();
            });
      }
      acked.await(60, TimeUnit.SECONDS);
      long lastOutcome =
          waitForOutcomes(bootstrap, new Topics(prefix).results(), quick, Duration.ofMinutes(2));
      double makespan = (lastOutcome - lastAck.get()) / 1e9;
      System.out.printf(
          "quick:   %,d runs of 3 s accepted in %.2f s; last outcome %.2f s after the last accept%n",
          shortRuns, (lastAck.get() - s0) / 1e9, makespan);
      System.out.printf(
          "         target <= 6 s after the last accept: %s%n", makespan <= 6 ? "MET" : "NOT MET");
    }
  }

  private static Set<String> submit(
      KafkaProducer<String, String> producer,
      String prefix,
      String idPrefix,
      int count,
      double delayMins)
      throws InterruptedException {
    Set<String> ids = new HashSet<>();
    CountDownLatch acked = new CountDownLatch(count);
    for (int i = 0; i < count; i++) {
      RunRequest request = request(idPrefix + i + "-" + System.nanoTime(), delayMins);
      ids.add(request.runId());
      producer.send(
          new ProducerRecord<>(
              new Topics(prefix).requests(), request.runId(), request.toJson().encode()),
          (meta, error) -> acked.countDown());
    }
    acked.await(120, TimeUnit.SECONDS);
    return ids;
  }

  private static RunRequest request(String runId, double delayMins) {
    return new RunRequest(
        runId,
        "bench",
        "webhook-delay-example",
        new JsonObject().put("delayMins", delayMins),
        null,
        Instant.now(),
        null);
  }

  private static KafkaProducer<String, String> producer(String bootstrap) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrap);
    props.put("acks", "all");
    props.put("linger.ms", "5");
    props.put("batch.size", "65536");
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  /** Waits until the worker wrote every run's {@code running} record; returns when it happened. */
  private static long waitForRunning(
      String bootstrap, String topic, Set<String> ids, Duration timeout) {
    return follow(
        bootstrap, topic, ids, h -> RunHeaders.KIND_RUNNING.equals(RunHeaders.kind(h)), timeout);
  }

  private static long waitForOutcomes(
      String bootstrap, String topic, Set<String> ids, Duration timeout) {
    return follow(bootstrap, topic, ids, RunHeaders::isOutcome, timeout);
  }

  private static long follow(
      String bootstrap,
      String topic,
      Set<String> ids,
      java.util.function.Predicate<org.apache.kafka.common.header.Headers> match,
      Duration timeout) {
    Set<String> missing = new HashSet<>(ids);
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrap);
    props.put("max.poll.records", "5000");
    try (var consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!missing.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              missing.size() + " of " + ids.size() + " runs missing on " + topic);
        }
        for (var record : consumer.poll(Duration.ofMillis(100))) {
          if (missing.contains(record.key()) && match.test(record.headers())) {
            missing.remove(record.key());
          }
        }
      }
      return System.nanoTime();
    }
  }

  private static long heapAfterFullGc(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    Matcher m = HEAP_USED.matcher(info);
    return m.find() ? Long.parseLong(m.group(1)) / 1024 : -1;
  }

  private static long rssMb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
      }
    }
    return -1;
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }
}
