package dev.hookrun.worker;

import static org.awaitility.Awaitility.await;

import dev.hookrun.common.metrics.ServiceMetrics;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A worker alone (no gateway to sample its group) still exports the lag of what it owns. */
class MemberLagTest {

  @Test
  void aWorkerExportsTheLagOfItsPartitionsAndItFallsToZeroOnceCaughtUp() {
    Vertx vertx = Vertx.vertx();
    try (WorkerTestKit kit = new WorkerTestKit(Duration.ofSeconds(6))) {
      for (int i = 0; i < 5; i++) {
        kit.submit(0.02); // 1.2 s each
      }
      WorkerConfig config =
          WorkerConfig.defaults(kit.kafka.withLagSampleInterval(Duration.ofMillis(200)), "lag-1")
              .withGroupId(kit.group)
              .withMaxInflight(1);
      vertx.deployVerticle(new WorkerVerticle(config)).await();

      // one run at a time, committed only when its outcome is out: the backlog shows as lag
      await().atMost(Duration.ofSeconds(30)).until(() -> memberLag(kit.group) >= 4);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> kit.outcomes().size() == 5 && memberLag(kit.group) == 0);
    } finally {
      vertx.close().await();
    }
  }

  private static double memberLag(String group) {
    return ServiceMetrics.registry()
        .find("hookrun.consumer.member.lag")
        .tag("group", group)
        .gauges()
        .stream()
        .mapToDouble(Gauge::value)
        .sum();
  }
}
