package dev.hookrun.common.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;

/** Small helpers for the wire format: timestamps are ISO-8601 UTC strings, absent is null. */
public final class Json {

  private Json() {}

  /** The fields every record about a run starts with: which run, of which project and app. */
  public static JsonObject run(String runId, String project, String app) {
    return new JsonObject().put("run_id", runId).put("project", project).put("app", app);
  }

  /** {@link #run(String, String, String)} and where the run stands. */
  public static JsonObject run(String runId, String project, String app, RunStatus status) {
    return run(runId, project, app).put("status", status.wire());
  }

  /** The start of every webhook body (DESIGN §1): the event, the run, its app and its status. */
  public static JsonObject webhook(String event, String runId, String app, RunStatus status) {
    return new JsonObject()
        .put("event", event)
        .put("run_id", runId)
        .put("app", app)
        .put("status", status.wire());
  }

  public static JsonObject error(RunError error) {
    return error == null ? null : error.toJson();
  }

  public static String time(Instant instant) {
    return instant == null ? null : formatInstant(instant);
  }

  private static final long FIRST_FAST_SECOND = -62_135_596_800L; // 0001-01-01T00:00:00Z
  private static final long LAST_FAST_SECOND = 253_402_300_799L; // 9999-12-31T23:59:59Z

  /**
   * {@link Instant#toString} by hand ({@code 2026-11-26T20:16:11.123Z}: fraction digits in groups
   * of three, none for whole seconds): every record about a run carries several timestamps, and the
   * formatter behind {@code toString} was 3 % of the stack's CPU samples. Years outside 0001–9999
   * go to {@code toString}.
   */
  public static String formatInstant(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds < FIRST_FAST_SECOND || seconds > LAST_FAST_SECOND) {
      return instant.toString();
    }
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
    int secondOfDay = (int) Math.floorMod(seconds, 86_400);
    int nanos = instant.getNano();
    char[] out = new char[30];
    int at = put(out, 0, date.getYear(), 4);
    out[at++] = '-';
    at = put(out, at, date.getMonthValue(), 2);
    out[at++] = '-';
    at = put(out, at, date.getDayOfMonth(), 2);
    out[at++] = 'T';
    at = put(out, at, secondOfDay / 3_600, 2);
    out[at++] = ':';
    at = put(out, at, secondOfDay / 60 % 60, 2);
    out[at++] = ':';
    at = put(out, at, secondOfDay % 60, 2);
    if (nanos != 0) {
      out[at++] = '.';
      if (nanos % 1_000_000 == 0) {
        at = put(out, at, nanos / 1_000_000, 3);
      } else if (nanos % 1_000 == 0) {
        at = put(out, at, nanos / 1_000, 6);
      } else {
        at = put(out, at, nanos, 9);
      }
    }
    out[at++] = 'Z';
    return new String(out, 0, at);
  }

  /** Writes {@code value} as exactly {@code width} decimal digits, zero-padded. */
  private static int put(char[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
    return at + width;
  }

  public static Instant time(JsonObject json, String field) {
    String value = json.getString(field);
    return value == null ? null : parseInstant(value);
  }

  private static final int[] NANOS_PER_DIGIT = {
    0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1
  };

  /**
   * {@link Instant#parse} for exactly what {@link Instant#toString} writes ({@code
   * 2026-11-26T20:16:11.123Z}), by hand: every stage decodes several timestamps per run state, and
   * the formatter-based parse was 3 % of the whole stack's CPU in a profile. Anything else
   * (offsets, leap seconds, years past 9999) goes to {@link Instant#parse}.
   */
  public static Instant parseInstant(String s) {
    int n = s.length();
    if (n < 20
        || n > 30
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':'
        || s.charAt(n - 1) != 'Z'
        || (n > 20 && s.charAt(19) != '.')) {
      return Instant.parse(s);
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    int fraction = n > 20 ? digits(s, 20, n - 1) : 0;
    if (year < 0
        || month < 1
        || month > 12
        || day < 1
        || day > 31
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59
        || fraction < 0
        || n == 21) {
      return Instant.parse(s);
    }
    if (day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()) {
      return Instant.parse(s); // 2026-02-30: let parse reject it in its own words
    }
    int nanos = n > 20 ? fraction * NANOS_PER_DIGIT[n - 21] : 0;
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
  }

  /** The number in s[from, to), or -1 if a character is not a digit. */
  private static int digits(String s, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  public static String required(JsonObject json, String field) {
    String value = json.getString(field);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("missing " + field);
    }
    return value;
  }
}
