package dev.hookrun.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

  private static final TopicPartition P0 = new TopicPartition("requests", 0);
  private static final TopicPartition P1 = new TopicPartition("requests", 1);

  private final OffsetTracker tracker = new OffsetTracker();

  @Test
  void nothingIsCommittableWhileTheFirstRecordIsUnfinished() {
    tracker.started(P0, 10);
    tracker.started(P0, 11);
    tracker.finished(P0, 11);
    assertEquals(Map.of(P0, new OffsetAndMetadata(10)), tracker.committable());
  }

  @Test
  void commitsTheHighestUnbrokenRunOfFinishedOffsetsPlusOne() {
    for (long o = 0; o < 5; o++) {
      tracker.started(P0, o);
    }
    tracker.finished(P0, 0);
    tracker.finished(P0, 1);
    tracker.finished(P0, 3);
    assertEquals(2, tracker.committable().get(P0).offset());
    tracker.finished(P0, 2);
    assertEquals(4, tracker.committable().get(P0).offset());
    tracker.finished(P0, 4);
    assertEquals(5, tracker.committable().get(P0).offset());
  }

  @Test
  void gapsInOffsetsDoNotBlockCommits() {
    // compaction and transaction markers leave offsets that are never delivered
    tracker.started(P0, 3);
    tracker.started(P0, 7);
    tracker.finished(P0, 7);
    tracker.finished(P0, 3);
    assertEquals(8, tracker.committable().get(P0).offset());
  }

  @Test
  void partitionsAreIndependent() {
    tracker.started(P0, 0);
    tracker.started(P1, 0);
    tracker.finished(P1, 0);
    Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable();
    assertEquals(0, offsets.get(P0).offset());
    assertEquals(1, offsets.get(P1).offset());
  }

  @Test
  void anOffsetAlreadyCommittedIsNotOfferedAgain() {
    tracker.started(P0, 0);
    tracker.finished(P0, 0);
    tracker.markCommitted(tracker.committable());
    assertTrue(tracker.committable().isEmpty());
    tracker.started(P0, 1);
    assertTrue(
        tracker.committable().isEmpty(), "offset 1 is the committed position and still unfinished");
    tracker.finished(P0, 1);
    assertEquals(2, tracker.committable().get(P0).offset());
  }

  @Test
  void forgottenPartitionsIgnoreLateCompletions() {
    tracker.started(P0, 0);
    tracker.forget(List.of(P0));
    tracker.finished(P0, 0);
    assertTrue(tracker.committable().isEmpty());
    assertEquals(0, tracker.unfinished());
  }

  @Test
  void countsUnfinishedRecordsAcrossPartitions() {
    tracker.started(P0, 0);
    tracker.started(P0, 1);
    tracker.started(P1, 5);
    tracker.finished(P0, 1);
    assertEquals(2, tracker.unfinished());
    assertTrue(tracker.isTracked(P1, 5));
  }
}
