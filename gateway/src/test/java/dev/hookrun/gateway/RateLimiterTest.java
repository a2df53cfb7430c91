package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hookrun.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A token bucket per limited project, driven by the clock the gateway is given. */
class RateLimiterTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T10:00:00Z"));

  private RateLimiter limiter(double perSecond, int burst) {
    return new RateLimiter(
        new RateLimits(Map.of("p", new RateLimits.Limit(perSecond, burst))), clock);
  }

  @Test
  void aFullBucketAdmitsTheBurstThenSaysWhenTheNextTokenIsDue() {
    RateLimiter limiter = limiter(10, 3);
    for (int i = 0; i < 3; i++) {
      assertEquals(Duration.ZERO, limiter.acquire("p"), "run " + i + " of the burst");
    }
    assertEquals(Duration.ofMillis(100), limiter.acquire("p"));
    clock.advance(Duration.ofMillis(40));
    assertEquals(Duration.ofMillis(60), limiter.acquire("p"), "a refusal takes nothing");
    clock.advance(Duration.ofMillis(60));
    assertEquals(Duration.ZERO, limiter.acquire("p"));
    assertEquals(Duration.ofMillis(100), limiter.acquire("p"));
  }

  @Test
  void aQuietSpellRefillsUpToTheBurstAndNoFurther() {
    RateLimiter limiter = limiter(2, 4);
    for (int i = 0; i < 4; i++) {
      limiter.acquire("p");
    }
    clock.advance(Duration.ofHours(1));
    for (int i = 0; i < 4; i++) {
      assertEquals(Duration.ZERO, limiter.acquire("p"));
    }
    assertEquals(Duration.ofMillis(500), limiter.acquire("p"));
  }

  @Test
  void aFractionalRateAdmitsOneRunEveryFewSeconds() {
    RateLimiter limiter = limiter(0.2, 1);
    assertEquals(Duration.ZERO, limiter.acquire("p"));
    assertEquals(Duration.ofSeconds(5), limiter.acquire("p"));
    clock.advance(Duration.ofSeconds(3));
    assertEquals(Duration.ofSeconds(2), limiter.acquire("p"));
    clock.advance(Duration.ofSeconds(2));
    assertEquals(Duration.ZERO, limiter.acquire("p"));
  }

  @Test
  void aProjectWithoutALimitIsAlwaysAdmitted() {
    RateLimiter limiter = limiter(1, 1);
    for (int i = 0; i < 1_000; i++) {
      assertEquals(Duration.ZERO, limiter.acquire("other"));
    }
    assertEquals(Duration.ZERO, new RateLimiter(RateLimits.NONE, clock).acquire("p"));
  }

  @Test
  void aClockSetBackDoesNotStallTheBucket() {
    RateLimiter limiter = limiter(1, 1);
    assertEquals(Duration.ZERO, limiter.acquire("p"));
    clock.advance(Duration.ofMinutes(-10));
    assertEquals(Duration.ofSeconds(1), limiter.acquire("p"));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(Duration.ZERO, limiter.acquire("p"));
  }

  @Test
  void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
    assertEquals(1, RunAdmission.retryAfterSeconds(Duration.ofNanos(1)));
    assertEquals(1, RunAdmission.retryAfterSeconds(Duration.ofMillis(1000)));
    assertEquals(2, RunAdmission.retryAfterSeconds(Duration.ofMillis(1001)));
    assertEquals(5, RunAdmission.retryAfterSeconds(Duration.ofSeconds(5)));
  }
}
