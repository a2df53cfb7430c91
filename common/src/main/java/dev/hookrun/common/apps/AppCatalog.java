package dev.hookrun.common.apps;

import dev.hookrun.common.config.Setting;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The apps this platform serves and what input each accepts. Gateways check input here before
 * accepting a run, and workers map the same names to model code, so the two cannot disagree on what
 * exists.
 */
public final class AppCatalog {

  /** Sleeps {@code delayMins} minutes on a timer, then returns. */
  public static final String DELAY = "webhook-delay-example";

  /** Burns CPU for {@code cpuMs} milliseconds on a worker thread; used by the scaling benchmark. */
  public static final String CPU_BURN = "cpu-burn-example";

  /**
   * Returns {@code {"payload": "<payloadBytes characters>"}} or {@code echo} unchanged, at once:
   * the model for testing result sizes, and the smallest template for writing a model.
   */
  public static final String ECHO = "echo-example";

  /**
   * The largest payload the echo model makes. The model builds it in memory and the worker encodes
   * it once more, so the bound is what a worker's heap holds several times over with other runs
   * going on; gateways refuse more, and workers refuse it too (a gateway may be set otherwise).
   */
  public static final Setting ECHO_MAX_BYTES =
      Setting.of(
          "ECHO_MAX_BYTES",
          "8388608",
          "Largest payloadBytes the echo-example model makes (bytes, at most 67108864); the"
              + " gateway refuses more with 400 and the worker fails such a run");

  /** The most {@link #ECHO_MAX_BYTES} may be set to. */
  public static final int ECHO_MAX_BYTES_LIMIT = 64 * 1024 * 1024;

  private static final Map<String, String> DURATION_FIELD =
      Map.of(DELAY, "delayMins", CPU_BURN, "cpuMs");
  private static final Set<String> APPS = Set.of(DELAY, CPU_BURN, ECHO);

  private AppCatalog() {}

  public static Set<String> apps() {
    return APPS;
  }

  public static boolean isKnown(String app) {
    return APPS.contains(app);
  }

  /** A problem with one input field, reported to the caller as a 400. */
  public record FieldError(String field, String message) {}

  /** How long the input asks the model to run, once valid. */
  public static Duration requestedDuration(String app, JsonObject input) {
    if (!DURATION_FIELD.containsKey(app)) {
      return Duration.ZERO;
    }
    double value = ((Number) input.getValue(DURATION_FIELD.get(app))).doubleValue();
    return app.equals(DELAY)
        ? Duration.ofMillis(Math.round(value * 60_000))
        : Duration.ofMillis(Math.round(value));
  }

  public static Optional<FieldError> validate(
      String app, JsonObject input, Duration maxRunTime, int echoMaxBytes) {
    if (app.equals(ECHO)) {
      return validateEcho(input, echoMaxBytes);
    }
    String field = DURATION_FIELD.get(app);
    if (field == null) {
      return Optional.of(new FieldError(null, "unknown app " + app));
    }
    Object raw = input.getValue(field);
    if (raw == null) {
      return Optional.of(new FieldError(field, field + " is required"));
    }
    if (!(raw instanceof Number number)) {
      return Optional.of(new FieldError(field, field + " must be a number"));
    }
    double value = number.doubleValue();
    if (Double.isNaN(value) || Double.isInfinite(value) || value < 0) {
      return Optional.of(new FieldError(field, field + " must be zero or more"));
    }
    if (app.equals(DELAY) && input.containsKey("progressEverySeconds")) {
      Object every = input.getValue("progressEverySeconds");
      if (!(every instanceof Number n)
          || !(n.doubleValue() > 0)
          || Double.isInfinite(n.doubleValue())) {
        return Optional.of(
            new FieldError(
                "progressEverySeconds", "progressEverySeconds must be a number above 0"));
      }
    }
    Duration asked = requestedDuration(app, input);
    if (asked.compareTo(maxRunTime) > 0) {
      return Optional.of(
          new FieldError(
              field,
              field
                  + " asks for "
                  + human(asked)
                  + ", more than the maximum run time of "
                  + human(maxRunTime)));
    }
    return Optional.empty();
  }

  private static Optional<FieldError> validateEcho(JsonObject input, int echoMaxBytes) {
    Object raw = input.getValue("payloadBytes");
    if (raw == null) {
      return input.containsKey("echo")
          ? Optional.empty()
          : Optional.of(
              new FieldError(
                  "payloadBytes", "give payloadBytes (a number of bytes) or echo (any JSON)"));
    }
    if (!(raw instanceof Number number)
        || number.doubleValue() != Math.rint(number.doubleValue())
        || number.doubleValue() < 0
        || number.doubleValue() > echoMaxBytes) {
      return Optional.of(
          new FieldError(
              "payloadBytes",
              "payloadBytes must be a whole number from 0 to "
                  + echoMaxBytes
                  + " (ECHO_MAX_BYTES)"));
    }
    return Optional.empty();
  }

  private static String human(Duration d) {
    if (d.toMillis() % 60_000 == 0) {
      return d.toMinutes() + " min";
    }
    return d.toMillis() + " ms";
  }
}
