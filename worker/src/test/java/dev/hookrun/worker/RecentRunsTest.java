package dev.hookrun.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.run.RunRequest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class RecentRunsTest {

  private static final TopicPartition P0 = new TopicPartition("requests", 0);
  private static final TopicPartition P1 = new TopicPartition("requests", 1);
  private static final Instant T0 = Instant.parse("2026-11-29T00:00:00Z");

  private static RunRequest req(String runId, Instant createdAt) {
    return new RunRequest(runId, "p", "app", new JsonObject(), null, createdAt, null);
  }

  @Test
  void aRequestUnderTheSameIdAfterTheRetentionIsANewRun() {
    RecentRuns recent = new RecentRuns(10, Duration.ofHours(1));
    recent.add(P0, req("a", T0));
    assertTrue(
        recent.contains(P0, req("a", T0.plusSeconds(2))), "a retry moments later is the same run");
    assertFalse(
        recent.contains(P0, req("a", T0.plus(Duration.ofHours(2)))),
        "an Idempotency-Key reused after the retention names a new run, which must run");
  }

  @Test
  void remembersRunIdsPerPartitionUpToItsBound() {
    RecentRuns recent = new RecentRuns(2, Duration.ofHours(1));
    recent.add(P0, req("a", T0));
    recent.add(P0, req("b", T0));
    recent.add(P0, req("c", T0));
    assertFalse(recent.contains(P0, req("a", T0)), "the oldest goes first");
    assertTrue(recent.contains(P0, req("b", T0)) && recent.contains(P0, req("c", T0)));
    assertFalse(recent.contains(P1, req("b", T0)));
  }

  @Test
  void aPartitionThatCameBackIsReadAfresh() {
    // handed back in a rebalance and assigned again: its uncommitted requests must run, not be
    // skipped
    RecentRuns recent = new RecentRuns(10, Duration.ofHours(1));
    recent.add(P0, req("a", T0));
    recent.add(P1, req("b", T0));
    recent.forget(List.of(P0));
    assertFalse(recent.contains(P0, req("a", T0)));
    assertTrue(recent.contains(P1, req("b", T0)));
  }
}
