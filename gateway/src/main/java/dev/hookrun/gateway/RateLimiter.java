package dev.hookrun.gateway;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Applies {@link RateLimits}: a {@link TokenBucket} per limited project. Each gateway keeps its own
 * buckets (no coordination, so a predict costs no extra round trip), hence N gateways admit up to N
 * times a project's rate. It lives on the gateway verticle's event loop, like the run view; a
 * gateway process deploys one verticle (GatewayMain), so a project has one bucket per process.
 */
final class RateLimiter {

  private final RateLimits limits;
  private final Clock clock;
  private final Map<String, TokenBucket> buckets = new HashMap<>();

  RateLimiter(RateLimits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
    long now = nanos(clock.instant());
    limits
        .byProject()
        .forEach(
            (project, limit) ->
                buckets.put(project, new TokenBucket(limit.perSecond(), limit.burst(), now)));
  }

  /**
   * Takes one run's token from {@code project}'s bucket: {@link Duration#ZERO} when the run may be
   * queued (always, for a project without a limit), else how long until the next token is due.
   */
  Duration acquire(String project) {
    TokenBucket bucket = buckets.get(project);
    if (bucket == null) {
      return Duration.ZERO;
    }
    return Duration.ofNanos(bucket.take(nanos(clock.instant())));
  }

  RateLimits.Limit limitOf(String project) {
    return limits.of(project);
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }
}
