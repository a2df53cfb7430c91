package dev.hookrun.common.delivery;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;

/**
 * One webhook endpoint's health as the endpoints topic holds it: attempt counts, its failing
 * streak, and the disable and enable decisions.
 *
 * <p>Several dispatchers write the same endpoint, so two states are combined with {@link #merge}:
 * the times merge by the later (a disable is never undone by a record that had not seen it, only by
 * a later enable), the counts and latency are the newer record's (a dispatcher adds its own
 * attempts not yet written on top).
 *
 * @param project the project of the latest delivery to the endpoint (whose notify URL hears of a
 *     disable)
 * @param failingSince the first failure since the later of the last success and the last enable;
 *     null while the endpoint is not failing
 * @param latencyP95Ms the 95th percentile of the writer's recent attempts, null before any
 * @param writer who wrote the record: a dispatcher's name, or {@code ops}
 */
public record EndpointState(
    String endpoint,
    String project,
    long attempts,
    long successes,
    int consecutiveFailures,
    Instant lastSuccessAt,
    Instant lastFailureAt,
    Instant failingSince,
    Instant disabledAt,
    Instant enabledAt,
    Long latencyP95Ms,
    Instant updatedAt,
    String writer) {

  public static EndpointState fresh(String endpoint, String project) {
    return new EndpointState(
        endpoint, project, 0, 0, 0, null, null, null, null, null, null, null, null);
  }

  public boolean disabled() {
    return disabledAt != null && (enabledAt == null || disabledAt.isAfter(enabledAt));
  }

  /** Not disabled yet, but every attempt since {@code after} ago or longer has failed. */
  public boolean dueToDisable(Instant now, Duration after) {
    return !disabled() && failingSince != null && !failingSince.plus(after).isAfter(now);
  }

  /** With one more attempt of the writer's. */
  public EndpointState attempted(String project, boolean succeeded, Instant at) {
    if (succeeded) {
      return new EndpointState(
          endpoint,
          project,
          attempts + 1,
          successes + 1,
          0,
          later(lastSuccessAt, at),
          lastFailureAt,
          null,
          disabledAt,
          enabledAt,
          latencyP95Ms,
          at,
          writer);
    }
    return new EndpointState(
        endpoint,
        project,
        attempts + 1,
        successes,
        consecutiveFailures + 1,
        lastSuccessAt,
        later(lastFailureAt, at),
        failingSince == null ? at : failingSince,
        disabledAt,
        enabledAt,
        latencyP95Ms,
        at,
        writer);
  }

  /** With counts the writer has not written yet added. */
  public EndpointState plusCounts(long moreAttempts, long moreSuccesses) {
    return new EndpointState(
        endpoint,
        project,
        attempts + moreAttempts,
        successes + moreSuccesses,
        consecutiveFailures,
        lastSuccessAt,
        lastFailureAt,
        failingSince,
        disabledAt,
        enabledAt,
        latencyP95Ms,
        updatedAt,
        writer);
  }

  public EndpointState disable(Instant at) {
    return new EndpointState(
        endpoint,
        project,
        attempts,
        successes,
        consecutiveFailures,
        lastSuccessAt,
        lastFailureAt,
        failingSince,
        at,
        enabledAt,
        latencyP95Ms,
        at,
        writer);
  }

  /** Enabled at {@code at}: its failing streak starts again from nothing. */
  public EndpointState enable(Instant at) {
    return new EndpointState(
        endpoint,
        project,
        attempts,
        successes,
        0,
        lastSuccessAt,
        lastFailureAt,
        null,
        disabledAt,
        at,
        latencyP95Ms,
        at,
        writer);
  }

  public EndpointState withLatencyP95(Long millis) {
    return new EndpointState(
        endpoint,
        project,
        attempts,
        successes,
        consecutiveFailures,
        lastSuccessAt,
        lastFailureAt,
        failingSince,
        disabledAt,
        enabledAt,
        millis,
        updatedAt,
        writer);
  }

  public EndpointState writtenBy(String name, Instant at) {
    return new EndpointState(
        endpoint,
        project,
        attempts,
        successes,
        consecutiveFailures,
        lastSuccessAt,
        lastFailureAt,
        failingSince,
        disabledAt,
        enabledAt,
        latencyP95Ms,
        at,
        name);
  }

  /** This state with {@code newer} (a record read later) on top. */
  public EndpointState merge(EndpointState newer) {
    Instant success = later(lastSuccessAt, newer.lastSuccessAt);
    Instant enabled = later(enabledAt, newer.enabledAt);
    Instant floor = later(success, enabled);
    Instant since = null;
    int streak = 0;
    for (EndpointState s : new EndpointState[] {this, newer}) {
      if (s.failingSince != null && (floor == null || s.failingSince.isAfter(floor))) {
        since = since == null || s.failingSince.isBefore(since) ? s.failingSince : since;
        streak = Math.max(streak, s.consecutiveFailures);
      }
    }
    Instant failure = later(lastFailureAt, newer.lastFailureAt);
    if (since == null && failure != null && (floor == null || failure.isAfter(floor))) {
      since = failure; // failures after the floor whose streak start neither record kept
      streak = 1;
    }
    return new EndpointState(
        endpoint,
        newer.project != null ? newer.project : project,
        newer.attempts,
        newer.successes,
        streak,
        success,
        failure,
        since,
        later(disabledAt, newer.disabledAt),
        enabled,
        newer.latencyP95Ms != null ? newer.latencyP95Ms : latencyP95Ms,
        later(updatedAt, newer.updatedAt),
        newer.writer);
  }

  /** Successes per attempt, or null before any attempt. */
  public Double successRate() {
    return attempts == 0 ? null : (double) successes / attempts;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("endpoint", endpoint)
        .put("project", project)
        .put("disabled", disabled())
        .put("attempts", attempts)
        .put("successes", successes)
        .put("success_rate", successRate())
        .put("consecutive_failures", consecutiveFailures)
        .put("last_success", text(lastSuccessAt))
        .put("last_failure", text(lastFailureAt))
        .put("failing_since", text(failingSince))
        .put("disabled_at", text(disabledAt))
        .put("enabled_at", text(enabledAt))
        .put("latency_p95_ms", latencyP95Ms)
        .put("updated_at", text(updatedAt))
        .put("writer", writer);
  }

  public static EndpointState fromJson(JsonObject json) {
    String endpoint = json.getString("endpoint");
    if (endpoint == null) {
      throw new IllegalArgumentException("an endpoint state without its endpoint");
    }
    return new EndpointState(
        endpoint,
        json.getString("project"),
        json.getLong("attempts", 0L),
        json.getLong("successes", 0L),
        json.getInteger("consecutive_failures", 0),
        instant(json, "last_success"),
        instant(json, "last_failure"),
        instant(json, "failing_since"),
        instant(json, "disabled_at"),
        instant(json, "enabled_at"),
        json.getLong("latency_p95_ms"),
        instant(json, "updated_at"),
        json.getString("writer"));
  }

  private static Instant later(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }

  private static Instant instant(JsonObject json, String name) {
    String text = json.getString(name);
    return text == null ? null : Instant.parse(text);
  }
}
