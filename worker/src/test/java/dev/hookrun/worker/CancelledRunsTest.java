package dev.hookrun.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.run.CancelCommand;
import dev.hookrun.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class CancelledRunsTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T12:00:00Z"));
  private final CancelledRuns cancelled = new CancelledRuns(Duration.ofHours(48), clock);
  private long offset;

  private ConsumerRecord<String, String> cancel(String runId, String project, boolean ifQueued) {
    Instant at = clock.instant();
    String value = new CancelCommand(runId, project, at, ifQueued).toJson().encode();
    return new ConsumerRecord<>(
        "cancels",
        0,
        offset++,
        at.toEpochMilli(),
        TimestampType.CREATE_TIME,
        -1,
        -1,
        runId,
        value,
        new RecordHeaders(),
        java.util.Optional.empty());
  }

  @Test
  void oneTenantsFloodOfCancelsDoesNotPushOutAnothersCancel() {
    cancelled.onRecords(List.of(cancel("b-run", "p-b", false)));
    List<ConsumerRecord<String, String>> flood = new ArrayList<>();
    for (int i = 0; i < 150_000; i++) {
      flood.add(cancel("a-run-" + i, "p-a", true));
    }
    cancelled.onRecords(flood);
    assertTrue(
        cancelled.contains("b-run"), "p-b's cancelled run must still never start on this worker");
    assertTrue(cancelled.contains("a-run-149999"));
  }

  @Test
  void aCancelIsForgottenOnlyOnceItsRunCouldNoLongerStartOrRun() {
    cancelled.onRecords(List.of(cancel("old", "p-1", false)));
    clock.advance(Duration.ofHours(47));
    cancelled.onRecords(List.of(cancel("newer", "p-1", false)));
    assertTrue(cancelled.contains("old"), "47 h: within run retention + longest run time");

    clock.advance(Duration.ofHours(2));
    cancelled.onRecords(List.of(cancel("newest", "p-1", false)));
    assertFalse(cancelled.contains("old"), "49 h: past the window, nothing can start it any more");
    assertTrue(cancelled.contains("newer"));
    assertEquals(2, cancelled.size());
  }
}
