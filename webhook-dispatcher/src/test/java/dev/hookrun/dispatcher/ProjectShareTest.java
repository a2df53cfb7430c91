package dev.hookrun.dispatcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.run.RunResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * One project cannot take the whole dispatcher: project A's backlog to receivers that accept TCP
 * and never answer holds at most its share of the in-flight slots, so project B's webhooks, to a
 * receiver that answers at once, are delivered as soon as they are published.
 */
class ProjectShareTest {

  private static final int A_RUNS = 1_500;
  private static final int A_PORTS = 30;
  private static final int B_RUNS = 20;

  /** The longest any of B's webhooks may take from its publication to its arrival. */
  private static final long B_BOUND_MS = 2_000;

  @Test
  void aProjectWhoseReceiversNeverAnswerDoesNotDelayAnotherProjectsWebhooks() {
    try (DispatcherHarness h = new DispatcherHarness("project-share")) {
      ScriptedReceiver b = new ScriptedReceiver(h.vertx);
      List<BlackHole> holes = new ArrayList<>();
      for (int i = 0; i < A_PORTS; i++) {
        holes.add(new BlackHole(h.vertx));
      }
      // the defaults (1000 in flight, 50 per host, 15 s per request): A's attempts hold their
      // slots well past the end of the test
      DispatcherVerticle dispatcher = h.deploy(h.config("5s,5s"));
      List<RunResult> a = new ArrayList<>();
      for (int i = 0; i < A_RUNS; i++) {
        a.add(
            DispatcherHarness.result(
                "a-" + UUID.randomUUID(), "p-a", holes.get(i % A_PORTS).url()));
      }
      h.publishAll(a, null);
      // A has filled what it may take: every slot it can hold is waiting on a black hole, and the
      // rest of its backlog has been read (B's results are not queued behind A's in Kafka)
      int share = ProjectShares.perProject(1000, 0.5);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  holes.stream().mapToInt(BlackHole::connections).sum() >= share
                      && dispatcher.metrics().overShare("waited")
                              + dispatcher.metrics().overShare("deferred")
                          >= A_RUNS - share);

      Map<String, Long> publishedAt = new LinkedHashMap<>();
      for (int i = 0; i < B_RUNS; i++) {
        String runId = "b-" + UUID.randomUUID();
        publishedAt.put(runId, System.currentTimeMillis());
        h.publish(DispatcherHarness.result(runId, "p-b", b.url()));
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> b.requests().size() >= B_RUNS);

      List<Long> latencies =
          publishedAt.entrySet().stream()
              .map(e -> b.requestsFor(e.getKey()).get(0).atMillis() - e.getValue())
              .sorted()
              .toList();
      int connections = holes.stream().mapToInt(BlackHole::connections).sum();
      int givenUp = holes.stream().mapToInt(BlackHole::closed).sum();
      System.out.printf(
          "%nPROJECT SHARE B's %d webhooks beside A's %d to %d black holes: latency ms min %d, "
              + "median %d, max (p99 of 20) %d; A held %d connections (%d given up), "
              + "%d of A's deliveries waited for A's turn, %d were deferred%n%n",
          B_RUNS,
          A_RUNS,
          A_PORTS,
          latencies.get(0),
          latencies.get(latencies.size() / 2),
          latencies.get(latencies.size() - 1),
          connections,
          givenUp,
          dispatcher.metrics().overShare("waited"),
          dispatcher.metrics().overShare("deferred"));
      assertEquals(B_RUNS, b.requests().size(), "each of B's webhooks arrived once");
      assertEquals(0, givenUp, "A's attempts were all still waiting: B did not wait them out");
      assertTrue(
          latencies.get(latencies.size() - 1) <= B_BOUND_MS,
          "B's webhooks took up to "
              + latencies.get(latencies.size() - 1)
              + " ms from publication to arrival: "
              + latencies);
      assertTrue(connections <= share, "A held at most its share: " + connections);
      holes.forEach(BlackHole::close);
    }
  }
}
