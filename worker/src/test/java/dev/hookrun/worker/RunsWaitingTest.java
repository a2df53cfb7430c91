package dev.hookrun.worker;

import static org.awaitility.Awaitility.await;

import dev.hookrun.common.metrics.ServiceMetrics;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The signal workers are autoscaled on: runs waiting to start, not consumer lag. A worker full of
 * sleeping delay runs has lag but nothing waiting; only what it has not picked up counts.
 */
class RunsWaitingTest {

  @Test
  void runsInProgressAreLagButOnlyRunsNotStartedAreWaiting() {
    Vertx vertx = Vertx.vertx();
    try (WorkerTestKit kit = new WorkerTestKit(Duration.ofSeconds(6))) {
      for (int i = 0; i < 6; i++) {
        kit.submit(1); // a minute each: still sleeping when the test ends
      }
      WorkerConfig config =
          WorkerConfig.defaults(
                  kit.kafka.withLagSampleInterval(Duration.ofMillis(200)), "waiting-1")
              .withGroupId(kit.group)
              .withMaxInflight(2)
              .withDrainTimeout(
                  Duration.ZERO); // the sleeping runs are handed back at the end, not waited for
      vertx.deployVerticle(new WorkerVerticle(config)).await();

      // at its bound of 2 the worker pauses fetching: 6 unfinished (lag), at least 2 of them
      // started and sleeping, the rest waiting for a slot
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  gauge("hookrun.consumer.member.lag", kit.group) == 6
                      && gauge("hookrun.consumer.member.waiting", kit.group) >= 2
                      && gauge("hookrun.consumer.member.waiting", kit.group) <= 4);
    } finally {
      vertx.close().await();
    }
  }

  private static double gauge(String name, String group) {
    return ServiceMetrics.registry().find(name).tag("group", group).gauges().stream()
        .mapToDouble(Gauge::value)
        .sum();
  }
}
