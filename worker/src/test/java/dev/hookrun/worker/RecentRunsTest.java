package dev.hookrun.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class RecentRunsTest {

  private static final TopicPartition P0 = new TopicPartition("requests", 0);
  private static final TopicPartition P1 = new TopicPartition("requests", 1);

  @Test
  void remembersRunIdsPerPartitionUpToItsBound() {
    RecentRuns recent = new RecentRuns(2);
    recent.add(P0, "a");
    recent.add(P0, "b");
    recent.add(P0, "c");
    assertFalse(recent.contains(P0, "a"), "the oldest goes first");
    assertTrue(recent.contains(P0, "b") && recent.contains(P0, "c"));
    assertFalse(recent.contains(P1, "b"));
  }

  @Test
  void aPartitionThatCameBackIsReadAfresh() {
    // handed back in a rebalance and assigned again: its uncommitted requests must run, not be skipped
    RecentRuns recent = new RecentRuns(10);
    recent.add(P0, "a");
    recent.add(P1, "b");
    recent.forget(List.of(P0));
    assertFalse(recent.contains(P0, "a"));
    assertTrue(recent.contains(P1, "b"));
  }
}
