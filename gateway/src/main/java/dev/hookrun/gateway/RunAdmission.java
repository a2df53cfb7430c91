package dev.hookrun.gateway;

import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * Whether a project may queue one more run now. A predict and a retry both queue a new run, so both
 * ask here: first the project's unfinished runs against MAX_QUEUED_PER_PROJECT, then its
 * RATE_LIMITS bucket (which only an admitted run draws from). A refusal is a 429 with {@code
 * Retry-After}, and nothing is queued.
 */
final class RunAdmission {

  /** Runs take seconds to minutes to finish: a client over the cap need not come back sooner. */
  private static final String CAP_RETRY_AFTER = "10";

  private final int maxUnfinishedPerProject;
  private final RunStateView view;
  private final RateLimiter limiter;

  RunAdmission(int maxUnfinishedPerProject, RunStateView view, RateLimiter limiter) {
    this.maxUnfinishedPerProject = maxUnfinishedPerProject;
    this.view = view;
    this.limiter = limiter;
  }

  /** True when the run may be queued; otherwise the 429 has been sent. */
  boolean admit(RoutingContext ctx, String project) {
    return admit(ctx, project, false);
  }

  private boolean admit(RoutingContext ctx, String project, boolean capChecked) {
    if (!capChecked && view.unfinished(project) >= maxUnfinishedPerProject) {
      ctx.response().putHeader("Retry-After", CAP_RETRY_AFTER);
      ApiError.of(
              ErrorCode.TOO_MANY_RUNS,
              "Project '"
                  + project
                  + "' has "
                  + maxUnfinishedPerProject
                  + " unfinished runs, the most allowed; retry when some have finished.")
          .send(ctx);
      return false;
    }
    Duration wait = limiter.acquire(project);
    if (wait.isZero()) {
      return true;
    }
    long seconds = retryAfterSeconds(wait);
    ctx.response().putHeader("Retry-After", Long.toString(seconds));
    ApiError.of(
            ErrorCode.RATE_LIMITED,
            "Project '"
                + project
                + "' is over its rate limit of "
                + limiter.limitOf(project).describe()
                + " (runs per second / burst) on this gateway; nothing was queued. Retry in "
                + seconds
                + " s.")
        .send(ctx);
    return false;
  }

  /**
   * True when a batch of {@code runs} may be queued: the project's unfinished runs with the batch
   * must stay within MAX_QUEUED_PER_PROJECT; the batch draws one token of the rate (one request,
   * whose size BATCH_MAX_ITEMS bounds). Otherwise the 429 has been sent.
   */
  boolean admitBatch(RoutingContext ctx, String project, int runs) {
    int unfinished = view.unfinished(project);
    if (unfinished + runs > maxUnfinishedPerProject) {
      ctx.response().putHeader("Retry-After", CAP_RETRY_AFTER);
      ApiError.of(
              ErrorCode.TOO_MANY_RUNS,
              "Project '"
                  + project
                  + "' has "
                  + unfinished
                  + " unfinished runs; with this batch's "
                  + runs
                  + " it would pass "
                  + maxUnfinishedPerProject
                  + ", the most allowed. Retry when some have finished, or send fewer.")
          .send(ctx);
      return false;
    }
    return admit(ctx, project, true);
  }

  /** Whole seconds until the next token, at least 1 (Retry-After has no fractions). */
  static long retryAfterSeconds(Duration wait) {
    long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
    return Math.max(1, seconds);
  }
}
