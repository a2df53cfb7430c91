package dev.hookrun.gateway.console;

import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.run.RunStatus;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The console's run search: runs of a project and app in a status, created in a time range, newest
 * first. Every part is optional.
 *
 * @param since created at or after (inclusive)
 * @param until created before (exclusive)
 * @param limit at most this many runs (1–{@value #MAX_LIMIT})
 */
public record RunQuery(
    String project, String app, RunStatus status, Instant since, Instant until, int limit) {

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;

  /** Thrown for a query parameter that does not parse; carries the answer. */
  static final class Invalid extends RuntimeException {
    final transient ApiError error;

    Invalid(ApiError error) {
      super(error.message(), null, false, false);
      this.error = error;
    }
  }

  /** Reads {@code project, app, status, since, until, limit} from a request's query. */
  static RunQuery of(MultiMap params) {
    RunStatus status = null;
    String wanted = blankToNull(params.get("status"));
    if (wanted != null) {
      try {
        status = RunStatus.fromWire(wanted);
      } catch (IllegalArgumentException e) {
        throw new Invalid(ApiError.field("status", "Unknown status '" + wanted + "'."));
      }
    }
    int limit = DEFAULT_LIMIT;
    String rawLimit = blankToNull(params.get("limit"));
    if (rawLimit != null) {
      try {
        limit = Integer.parseInt(rawLimit);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new Invalid(
            ApiError.field("limit", "limit must be a whole number from 1 to " + MAX_LIMIT + "."));
      }
    }
    return new RunQuery(
        blankToNull(params.get("project")),
        blankToNull(params.get("app")),
        status,
        time(params, "since"),
        time(params, "until"),
        limit);
  }

  /** Whether a run of this project and app, in this status, created then, matches. */
  public boolean matches(String runProject, String runApp, RunStatus runStatus, Instant createdAt) {
    return (project == null || project.equals(runProject))
        && (app == null || app.equals(runApp))
        && (status == null || status == runStatus)
        && (since == null || (createdAt != null && !createdAt.isBefore(since)))
        && (until == null || (createdAt != null && createdAt.isBefore(until)));
  }

  private static Instant time(MultiMap params, String name) {
    String raw = blankToNull(params.get(name));
    if (raw == null) {
      return null;
    }
    try {
      return Instant.parse(raw);
    } catch (DateTimeParseException e) {
      throw new Invalid(
          ApiError.field(
              name, name + " must be an RFC 3339 time in UTC, like 2026-01-31T12:00:00Z."));
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
