package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class KafkaAvailabilityTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final KafkaAvailability availability = new KafkaAvailability(1_000, now::get);

  @Test
  void afterATimeoutOnlyOneProbePerIntervalIsAdmitted() {
    assertTrue(availability.admit());
    availability.failed(new TimeoutException("metadata"));
    assertFalse(availability.admit());
    now.addAndGet(1_000_000_000L);
    assertTrue(availability.admit(), "one probe after the interval");
    assertFalse(availability.admit(), "but only one");
    availability.succeeded();
    assertTrue(availability.admit());
    assertTrue(availability.admit());
  }

  @Test
  void aFailureThatIsNotATimeoutDoesNotCloseTheGate() {
    availability.failed(new IllegalArgumentException("record too large"));
    assertTrue(availability.admit());
  }

  @Test
  void aTimeoutWhileLaterSendsAreAcknowledgedLeavesTheGateOpen() {
    // one broker of three died: sends to its partitions time out, the others keep landing
    long sentAt = now.get();
    now.addAndGet(500_000_000L);
    availability.succeeded();
    now.addAndGet(3_000_000_000L);
    availability.failed(new TimeoutException("Expiring 1 record(s) for requests-4"), sentAt);
    assertTrue(availability.admit());
    assertFalse(availability.isDown());
    // nothing acknowledged since this one was sent: the cluster is away
    long later = now.get();
    now.addAndGet(3_000_000_000L);
    availability.failed(new TimeoutException("Expiring 1 record(s) for requests-5"), later);
    assertTrue(availability.isDown());
  }
}
