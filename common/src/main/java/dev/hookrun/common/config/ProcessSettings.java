package dev.hookrun.common.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Settings every service process reads outside its config record (JVM and logging). */
public final class ProcessSettings {

  public static final Setting JAVA_OPTS =
      Setting.of(
          "JAVA_OPTS",
          "",
          "Extra JVM options for run.sh and the container entry point (e.g. -Xmx512m)");
  public static final Setting LOG_FORMAT =
      Setting.of(
          "LOG_FORMAT",
          "text",
          "text (for people) or json (one JSON object per line, for log shippers)");
  public static final Setting LOG_LEVEL =
      Setting.of(
          "LOG_LEVEL",
          "INFO",
          "Level of the platform's own loggers (Kafka and Netty stay at WARN)");

  public static final List<Setting> SETTINGS = List.of(JAVA_OPTS, LOG_FORMAT, LOG_LEVEL);

  /**
   * A process's local data folder: the local run's broker log, and stored results with
   * RESULT_STORE=fs. Listed by the configs that read it (the result store's, the local run's), not
   * in {@link #SETTINGS}.
   */
  public static final Setting DATA_DIR =
      Setting.of(
          "DATA_DIR",
          "./data",
          "Local data: the in-process broker's log (local run) and, with RESULT_STORE=fs, stored results under results/");

  /** The values LOG_FORMAT may take; logback.xml has one appender of each name. */
  public static final List<String> LOG_FORMATS = List.of("text", "json");

  private ProcessSettings() {}

  /**
   * LOG_FORMAT as logback uses it: trimmed and lower-cased, or null when it names no format. Unset
   * or blank is the default, {@code text}.
   */
  public static String normalizedLogFormat(String raw) {
    if (raw == null || raw.isBlank()) {
      return LOG_FORMAT.defaultValue();
    }
    String format = raw.trim().toLowerCase(Locale.ROOT);
    return LOG_FORMATS.contains(format) ? format : null;
  }

  /**
   * Reads a service's config record from its environment: {@code reader} reads the record's
   * settings (and adds its cross-field problems), LOG_FORMAT is validated with them, and every
   * problem is reported at once in a {@link ConfigException}.
   */
  public static <T> T read(Map<String, String> vars, Function<Env, T> reader) {
    return Env.read(
        vars,
        env -> {
          T config = reader.apply(env);
          logFormat(env); // an unknown LOG_FORMAT would otherwise log as text, unnoticed
          return config;
        });
  }

  /**
   * Validates LOG_FORMAT at start. Logback picks the appender by this name, so an unknown one used
   * to silence every log line with no word said; now the service refuses to start.
   */
  public static String logFormat(Env env) {
    String raw = env.string(LOG_FORMAT);
    String format = normalizedLogFormat(raw);
    if (format == null) {
      env.problem(LOG_FORMAT.name() + "=" + raw + " must be text or json");
      return LOG_FORMAT.defaultValue();
    }
    return format;
  }
}
