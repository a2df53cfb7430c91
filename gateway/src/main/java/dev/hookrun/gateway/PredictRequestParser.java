package dev.hookrun.gateway;

import dev.hookrun.common.apps.AppCatalog;
import dev.hookrun.common.cache.BoundedCache;
import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;
import dev.hookrun.common.run.Priority;
import dev.hookrun.common.run.WebhookEvents;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Turns a predict body into a model input and an optional webhook, or the 400 that explains what is
 * wrong with it. Pure: no I/O, so every rule is unit-tested. Whether a webhook URL can be delivered
 * to at all is {@link WebhookEndpointCheck}'s to say.
 */
public final class PredictRequestParser {

  /** Body fields that belong to the platform; everything else is the model's input. */
  static final String WEBHOOK_FIELD = "webhook_endpoint";

  static final String QUEUE_TTL_FIELD = "queue_ttl_seconds";
  static final String EXECUTION_TIMEOUT_FIELD = "execution_timeout_seconds";
  static final String RUN_AT_FIELD = "run_at";
  static final String DELAY_FIELD = "delay_seconds";

  /**
   * A {@code run_at} this little in the past is taken as now (the client's clock runs behind);
   * further back it is a mistake (a wrong date or zone), answered 400 rather than run at once.
   */
  static final Duration PAST_TOLERANCE = Duration.ofSeconds(60);

  private static final String NOT_A_PRIORITY =
      Priority.FIELD + " must be one of \"high\", \"normal\" or \"low\".";

  private final Duration maxRunTime;
  private final int echoMaxBytes;
  private final Duration maxQueueTtl;
  private final Duration maxScheduleAhead;
  private final Clock clock;
  // A client sends the same few webhook URLs with every predict: each is parsed twice by
  // java.net.URI to be checked (2 % of the CPU samples at full load); the verdict is remembered.
  private final BoundedCache<String, String> endpointProblems = new BoundedCache<>(1_024);

  /**
   * @param maxScheduleAhead how far ahead {@code run_at} and {@code delay_seconds} may place a run
   * @param clock what "now" is for them
   */
  public PredictRequestParser(
      Duration maxRunTime,
      Duration maxQueueTtl,
      int echoMaxBytes,
      Duration maxScheduleAhead,
      Clock clock) {
    this.maxRunTime = maxRunTime;
    this.echoMaxBytes = echoMaxBytes;
    this.maxQueueTtl = maxQueueTtl;
    this.maxScheduleAhead = maxScheduleAhead;
    this.clock = clock;
  }

  /**
   * A parsed body: the model's input, where to deliver the result (null: no webhook), how long the
   * run may wait in the queue, its place there, and when it may start (null: now).
   */
  public record Parsed(
      JsonObject input,
      String webhookEndpoint,
      Duration queueTtl,
      List<String> webhookEvents,
      Duration executionTimeout,
      Priority priority,
      Instant scheduledFor) {}

  /** Either a parsed request or the error to answer. */
  public record Outcome(Parsed parsed, ApiError error) {
    static Outcome ok(Parsed parsed) {
      return new Outcome(parsed, null);
    }

    static Outcome fail(ApiError error) {
      return new Outcome(null, error);
    }
  }

  public Outcome parse(String app, Buffer body) {
    if (body == null || body.length() == 0) {
      return Outcome.fail(
          ApiError.of(ErrorCode.INVALID_JSON, "The request body is empty; send a JSON object."));
    }
    Object decoded;
    try {
      decoded = Json.decodeValue(body);
    } catch (DecodeException e) {
      return Outcome.fail(
          ApiError.of(ErrorCode.INVALID_JSON, "The request body is not valid JSON."));
    }
    if (!(decoded instanceof JsonObject json)) {
      return Outcome.fail(
          ApiError.of(ErrorCode.INVALID_BODY, "The request body must be a JSON object."));
    }
    return parse(app, json);
  }

  /**
   * Parses a body already decoded to an object (a batch's item); takes the platform's fields out of
   * {@code input}, which must belong to this request alone.
   */
  public Outcome parse(String app, JsonObject input) {
    Object webhook = input.remove(WEBHOOK_FIELD);
    String endpoint = null;
    if (webhook != null) {
      String problem =
          webhook instanceof String text
              ? endpointProblems.get(text, WebhookEndpointCheck::endpointProblem)
              : WebhookEndpointCheck.NOT_A_URL;
      if (!problem.isEmpty()) {
        return Outcome.fail(ApiError.field(WEBHOOK_FIELD, problem));
      }
      endpoint = (String) webhook;
    }
    Duration queueTtl = maxQueueTtl;
    Object ttl = input.remove(QUEUE_TTL_FIELD);
    if (ttl != null) {
      if (!(ttl instanceof Number seconds)
          || seconds.doubleValue() <= 0
          || seconds.doubleValue() * 1000 > maxQueueTtl.toMillis()) {
        return Outcome.fail(
            ApiError.field(
                QUEUE_TTL_FIELD,
                QUEUE_TTL_FIELD
                    + " must be a number of seconds above 0 and at most "
                    + maxQueueTtl.toSeconds()
                    + "."));
      }
      queueTtl = Duration.ofMillis(Math.round(seconds.doubleValue() * 1000));
    }
    List<String> events = null;
    if (input.containsKey(WebhookEvents.FIELD)) {
      try {
        events = WebhookEvents.parse(input.remove(WebhookEvents.FIELD));
      } catch (IllegalArgumentException e) {
        return Outcome.fail(ApiError.field(WebhookEvents.FIELD, e.getMessage()));
      }
    }
    Duration executionTimeout = null;
    Object limit = input.remove(EXECUTION_TIMEOUT_FIELD);
    if (limit != null) {
      if (!(limit instanceof Number seconds)
          || !(seconds.doubleValue() > 0)
          || seconds.doubleValue() * 1000 > maxRunTime.toMillis()) {
        return Outcome.fail(
            ApiError.field(
                EXECUTION_TIMEOUT_FIELD,
                EXECUTION_TIMEOUT_FIELD
                    + " must be a number of seconds above 0 and at most MAX_RUN_TIME ("
                    + maxRunTime.toSeconds()
                    + ")."));
      }
      executionTimeout = Duration.ofMillis(Math.max(1, Math.round(seconds.doubleValue() * 1000)));
    }
    Priority priority = Priority.NORMAL;
    if (input.containsKey(Priority.FIELD)) { // present, even as null: it must be a level
      Object level = input.remove(Priority.FIELD);
      var known =
          level instanceof String wire ? Priority.fromWire(wire) : Optional.<Priority>empty();
      if (known.isEmpty()) {
        return Outcome.fail(ApiError.field(Priority.FIELD, NOT_A_PRIORITY));
      }
      priority = known.get();
    }
    Instant scheduledFor;
    try {
      scheduledFor = scheduledFor(input.remove(RUN_AT_FIELD), input.remove(DELAY_FIELD));
    } catch (InvalidSchedule e) {
      return Outcome.fail(e.error);
    }
    var problem = AppCatalog.validate(app, input, maxRunTime, echoMaxBytes);
    if (problem.isPresent()) {
      return Outcome.fail(ApiError.field(problem.get().field(), problem.get().message()));
    }
    return Outcome.ok(
        new Parsed(input, endpoint, queueTtl, events, executionTimeout, priority, scheduledFor));
  }

  /** Why {@code run_at} or {@code delay_seconds} cannot be taken. */
  private static final class InvalidSchedule extends Exception {
    final transient ApiError error;

    InvalidSchedule(String field, String message) {
      super(message, null, false, false);
      this.error = ApiError.field(field, message);
    }
  }

  /**
   * When the run may start: null for now (neither field, a zero delay, or a {@code run_at} at most
   * {@link #PAST_TOLERANCE} ago), else a time at most MAX_SCHEDULE_AHEAD ahead.
   */
  private Instant scheduledFor(Object runAt, Object delay) throws InvalidSchedule {
    if (runAt != null && delay != null) {
      throw new InvalidSchedule(
          RUN_AT_FIELD, "Send either " + RUN_AT_FIELD + " or " + DELAY_FIELD + ", not both.");
    }
    Instant now = clock.instant();
    if (delay != null) {
      String range = " must be a whole number of seconds from 0 to " + maxScheduleAhead.toSeconds();
      if (!(delay instanceof Integer || delay instanceof Long)) {
        throw new InvalidSchedule(DELAY_FIELD, DELAY_FIELD + range + ".");
      }
      long seconds = ((Number) delay).longValue();
      if (seconds < 0 || seconds > maxScheduleAhead.toSeconds()) {
        throw new InvalidSchedule(DELAY_FIELD, DELAY_FIELD + range + " (MAX_SCHEDULE_AHEAD).");
      }
      return seconds == 0 ? null : now.plusSeconds(seconds).truncatedTo(ChronoUnit.MILLIS);
    }
    if (runAt == null) {
      return null;
    }
    Instant at;
    try {
      if (!(runAt instanceof String text)) {
        throw new DateTimeParseException("not a string", String.valueOf(runAt), 0);
      }
      at =
          OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
              .toInstant()
              .truncatedTo(ChronoUnit.MILLIS); // as precise as the request's header
    } catch (DateTimeParseException e) {
      throw new InvalidSchedule(
          RUN_AT_FIELD,
          RUN_AT_FIELD + " must be an RFC 3339 time with a zone, e.g. \"2026-12-08T10:00:00Z\".");
    }
    if (at.isBefore(now.minus(PAST_TOLERANCE))) {
      throw new InvalidSchedule(
          RUN_AT_FIELD,
          RUN_AT_FIELD
              + " is more than "
              + PAST_TOLERANCE.toSeconds()
              + " s in the past; leave it out to run now.");
    }
    if (at.isAfter(now.plus(maxScheduleAhead))) {
      throw new InvalidSchedule(
          RUN_AT_FIELD,
          RUN_AT_FIELD
              + " is more than MAX_SCHEDULE_AHEAD ("
              + maxScheduleAhead.toSeconds()
              + " s) ahead.");
    }
    return at.isAfter(now) ? at : null;
  }
}
