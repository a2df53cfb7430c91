package dev.hookrun.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

  /**
   * A Random whose nextDouble is always {@code value}: 0 is the most negative jitter, 1 the most
   * positive.
   */
  private static Random fixed(double value) {
    return new Random() {
      @Override
      public double nextDouble() {
        return value;
      }
    };
  }

  private static RetrySchedule schedule(Random random, String... delays) {
    return new RetrySchedule(
        List.of(delays).stream().map(dev.hookrun.common.config.Env::parseDuration).toList(),
        random);
  }

  @Test
  void theDefaultIsSevenRetriesFromFiveSecondsToTenHours() {
    RetrySchedule s = DispatcherConfig.defaults(null).retrySchedule();
    assertEquals(7, s.retries());
    assertEquals(
        List.of(
            Duration.ofSeconds(5),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(2),
            Duration.ofHours(5),
            Duration.ofHours(10),
            Duration.ofHours(10)),
        s.delays());
  }

  @Test
  void threeDelaysMeanThreeRetries() {
    assertEquals(3, schedule(new Random(1), "1s", "1s", "2s").retries());
  }

  @Test
  void jitterStaysWithinTwentyPercentEitherWay() {
    assertEquals(Duration.ofMillis(800), schedule(fixed(0.0), "1s").delayBefore(1, null));
    assertEquals(Duration.ofMillis(1000), schedule(fixed(0.5), "1s").delayBefore(1, null));
    assertEquals(Duration.ofMillis(1200), schedule(fixed(1.0), "1s").delayBefore(1, null));
    RetrySchedule random = schedule(new Random(42), "5m");
    for (int i = 0; i < 1000; i++) {
      long ms = random.delayBefore(1, null).toMillis();
      assertTrue(ms >= 240_000 && ms <= 360_000, ms + " ms is outside 5 min ± 20 %");
    }
  }

  @Test
  void eachRetryUsesItsOwnDelay() {
    RetrySchedule s = schedule(fixed(0.5), "1s", "1m", "1h");
    assertEquals(Duration.ofSeconds(1), s.delayBefore(1, null));
    assertEquals(Duration.ofMinutes(1), s.delayBefore(2, null));
    assertEquals(Duration.ofHours(1), s.delayBefore(3, null));
  }

  @Test
  void retryAfterIsHonouredWithinDelayAndTwiceTheDelay() {
    RetrySchedule s = schedule(fixed(0.5), "10s");
    assertEquals(
        Duration.ofSeconds(10),
        s.delayBefore(1, Duration.ofSeconds(1)),
        "never sooner than planned");
    assertEquals(
        Duration.ofSeconds(15),
        s.delayBefore(1, Duration.ofSeconds(15)),
        "within bounds: as asked");
    assertEquals(
        Duration.ofSeconds(20),
        s.delayBefore(1, Duration.ofHours(3)),
        "never later than twice the delay");
    assertEquals(Duration.ofSeconds(10), s.delayBefore(1, Duration.ZERO));
  }

  @Test
  void dueAtAddsTheDelayToNow() {
    Instant now = Instant.parse("2026-11-26T10:00:00Z");
    assertEquals(now.plusSeconds(5), schedule(fixed(0.5), "5s").dueAt(now, 1, null));
  }

  @Test
  void badSchedulesAreRefused() {
    assertFalse(RetrySchedule.problems(List.of()).isEmpty());
    assertFalse(RetrySchedule.problems(List.of(Duration.ZERO)).isEmpty());
    assertFalse(RetrySchedule.problems(List.of(Duration.ofDays(2))).isEmpty());
    assertFalse(
        RetrySchedule.problems(java.util.Collections.nCopies(21, Duration.ofSeconds(1))).isEmpty());
    assertThrows(IllegalArgumentException.class, () -> RetrySchedule.of(List.of()));
  }

  @Test
  void retryAfterReadsSecondsAndHttpDates() {
    Instant now = Instant.parse("2026-11-26T10:00:00Z");
    assertEquals(Duration.ofSeconds(120), RetryAfter.parse("120", now));
    assertEquals(Duration.ofSeconds(30), RetryAfter.parse("Thu, 26 Nov 2026 10:00:30 GMT", now));
    assertEquals(Duration.ZERO, RetryAfter.parse("Thu, 26 Nov 2026 09:00:00 GMT", now));
    assertNull(RetryAfter.parse("soon", now));
    assertNull(RetryAfter.parse(null, now));
    assertNull(RetryAfter.parse("-5", now));
  }
}
