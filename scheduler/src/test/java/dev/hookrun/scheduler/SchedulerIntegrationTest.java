package dev.hookrun.scheduler;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.common.run.RunRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A scheduler on the in-process broker, between a fake gateway and a fake worker. */
class SchedulerIntegrationTest {

  private final Vertx vertx = Vertx.vertx();
  private final SchedulerTestKit kit = new SchedulerTestKit();

  @AfterEach
  void tearDown() {
    vertx.close().await();
    kit.close();
  }

  private String deploy() {
    return deploy(kit.config());
  }

  private String deploy(SchedulerConfig config) {
    return vertx.deployVerticle(new SchedulerVerticle(config)).await();
  }

  private static void awaitLiveWorkers(int n) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> SchedulerTestKit.gauge("hookrun.scheduler.live.workers") == n);
  }

  /** Waits until the work topic holds {@code n} records and still does a second later. */
  private List<ConsumerRecord<String, String>> awaitReleased(int n) {
    await()
        .atMost(Duration.ofSeconds(30))
        .during(Duration.ofSeconds(1))
        .until(() -> kit.work().size() == n);
    return kit.work();
  }

  @Test
  void releasesUpToCapacityAndAnotherProjectDoesNotWaitForABacklog() {
    deploy();
    kit.workerUp("w1", 2);
    awaitLiveWorkers(1);
    Map<String, RunRequest> requests = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      RunRequest a = kit.submit("a");
      requests.put(a.runId(), a);
    }
    RunRequest b = kit.submit("b");
    requests.put(b.runId(), b);

    List<ConsumerRecord<String, String>> work = awaitReleased(3); // 2 slots + 1 spare
    ConsumerRecord<String, String> first = work.get(0);
    RunRequest asked = requests.get(first.key());
    assertEquals(asked.toJson().encode(), first.value(), "the request's value, unchanged");
    assertEquals("1", RunHeaders.text(first.headers(), RunHeaders.ATTEMPT));
    assertEquals(asked.project(), RunHeaders.text(first.headers(), RunHeaders.PROJECT));
    assertEquals(asked.webhookEndpoint(), RunHeaders.text(first.headers(), RunHeaders.WEBHOOK));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                SchedulerTestKit.gauge("hookrun.scheduler.queued") == 8
                    && SchedulerTestKit.gauge("hookrun.scheduler.in.flight") == 3
                    && SchedulerTestKit.gauge("hookrun.scheduler.capacity") == 2);

    // the fake worker finishes released runs one at a time; each frees room for one more
    List<String> order = new ArrayList<>(work.stream().map(ConsumerRecord::key).toList());
    int finished = 0;
    while (!order.contains(b.runId()) && finished < 10) {
      kit.succeeded(requests.get(order.get(finished++)));
      await().atMost(Duration.ofSeconds(30)).until(() -> kit.work().size() == order.size() + 1);
      kit.released().stream().filter(id -> !order.contains(id)).forEach(order::add);
    }
    assertTrue(
        order.indexOf(b.runId()) < 5,
        "b's run is among the first released after a's first runs: " + order);
    assertEquals(order.size(), new HashSet<>(order).size(), "no run released twice");
  }

  @Test
  void aRestartedSchedulerReleasesNothingTwiceAndTheQueuedRunsGoOn() {
    String first = deploy();
    kit.workerUp("w1", 2);
    awaitLiveWorkers(1);
    Map<String, RunRequest> requests = new HashMap<>();
    for (int i = 0; i < 6; i++) {
      RunRequest a = kit.submit("a");
      requests.put(a.runId(), a);
    }
    List<String> released = awaitReleased(3).stream().map(ConsumerRecord::key).toList();
    kit.running(requests.get(released.get(0)), "w1");

    vertx.undeploy(first).await();
    deploy();
    awaitLiveWorkers(1);
    // it read the six requests again, knows three are in flight, and has no room for more
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                SchedulerTestKit.gauge("hookrun.scheduler.in.flight") == 3
                    && SchedulerTestKit.gauge("hookrun.scheduler.queued") == 3);
    awaitReleased(3);

    for (String runId : released) {
      kit.succeeded(requests.get(runId));
    }
    List<String> all = awaitReleased(6).stream().map(ConsumerRecord::key).toList();
    assertEquals(requests.keySet(), Set.copyOf(all), "each run released exactly once");
  }

  @Test
  void aQueuedRunCancelledOrPastItsTimeToLiveGetsItsOutcomeFromTheScheduler() {
    deploy(); // no worker: everything stays queued
    RunRequest cancelled = kit.submit("a");
    RunRequest expiring = kit.submit("a", Instant.now().plusSeconds(2));
    RunRequest waiting = kit.submit("a");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> SchedulerTestKit.gauge("hookrun.scheduler.queued") == 3);
    kit.cancel(cancelled.runId());

    await().atMost(Duration.ofSeconds(30)).until(() -> kit.outcomes().size() == 2);
    Map<String, JsonObject> byRun = new HashMap<>();
    kit.outcomes().forEach(o -> byRun.put(o.getString("run_id"), o));
    assertEquals("cancelled", byRun.get(cancelled.runId()).getString("status"));
    assertEquals("scheduler", byRun.get(cancelled.runId()).getString("worker_id"));
    assertEquals("expired", byRun.get(expiring.runId()).getString("status"));
    assertEquals("expired", byRun.get(expiring.runId()).getJsonObject("error").getString("code"));
    assertTrue(!byRun.containsKey(waiting.runId()));

    kit.workerUp("w1", 1);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> kit.released().equals(List.of(waiting.runId())));
  }

  @Test
  void aRunOfAWorkerThatDiesIsReleasedAgainWithItsAttemptRaised() throws Exception {
    deploy(kit.config().withWorkerLeaseTimeout(Duration.ofSeconds(3)));
    var dying = kit.workerUp("w1", 1);
    kit.workerUp("w2", 1);
    awaitLiveWorkers(2);
    RunRequest run = kit.submit("a");
    await().atMost(Duration.ofSeconds(30)).until(() -> kit.released().size() == 1);
    kit.running(run, "w1");

    dying.cancel(false);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> SchedulerTestKit.gauge("hookrun.scheduler.live.workers") == 1);
    List<ConsumerRecord<String, String>> work = awaitReleased(2);
    assertEquals(
        List.of(run.runId(), run.runId()), work.stream().map(ConsumerRecord::key).toList());
    assertEquals("2", RunHeaders.text(work.get(1).headers(), RunHeaders.ATTEMPT));
    assertEquals(run.toJson().encode(), work.get(1).value());
  }
}
