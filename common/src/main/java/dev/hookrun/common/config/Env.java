package dev.hookrun.common.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed values from environment variables and collects every problem, so a service that is
 * misconfigured reports all its mistakes at once and refuses to start.
 */
public final class Env {

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");

  private final Map<String, String> vars;
  private final List<String> problems = new ArrayList<>();
  private final Set<String> placeholdersReported = new HashSet<>();

  private Env(Map<String, String> vars) {
    this.vars = vars;
  }

  public static Env of(Map<String, String> vars) {
    return new Env(vars);
  }

  /**
   * Reads one settings record (or part of one) from {@code vars} with {@code reader}, and throws a
   * {@link ConfigException} listing every problem it found.
   */
  public static <T> T read(Map<String, String> vars, Function<Env, T> reader) {
    Env env = of(vars);
    T value = reader.apply(env);
    env.check();
    return value;
  }

  public static Env system() {
    return new Env(System.getenv());
  }

  /** The raw value, or the setting's default when the variable is unset or blank. */
  public String string(Setting setting) {
    String value = value(setting);
    if (value == null) {
      if (setting.defaultValue() == null) {
        problems.add(setting.name() + " is required: " + setting.description());
        return "";
      }
      return setting.defaultValue();
    }
    return value;
  }

  public Optional<String> optional(Setting setting) {
    String value = value(setting);
    if (value == null) {
      return Optional.ofNullable(setting.defaultValue()).filter(v -> !v.isBlank());
    }
    return Optional.of(value);
  }

  /**
   * The trimmed value, or null when unset or blank. A secret still holding an example's placeholder
   * is a problem: one place for every service, so no secret setting can forget the check.
   */
  private String value(Setting setting) {
    String value = vars.get(setting.name());
    if (value == null || value.isBlank()) {
      return null;
    }
    value = value.trim();
    if (setting.secret() && Placeholders.in(value) && placeholdersReported.add(setting.name())) {
      // never echo the value: a real secret may sit beside the placeholder
      problems.add(
          setting.name()
              + " still holds a placeholder from an example (replace-me…, change-me…):"
              + " set a real secret");
    }
    return value;
  }

  public int integer(Setting setting, int min, int max) {
    String raw = string(setting);
    try {
      int value = Integer.parseInt(raw);
      if (value < min || value > max) {
        problems.add(setting.name() + "=" + raw + " must be between " + min + " and " + max);
      }
      return value;
    } catch (NumberFormatException e) {
      problems.add(setting.name() + "=" + raw + " is not an integer");
      return min;
    }
  }

  public boolean bool(Setting setting) {
    String raw = string(setting).toLowerCase(Locale.ROOT);
    return switch (raw) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> {
        problems.add(setting.name() + "=" + raw + " must be true or false");
        yield false;
      }
    };
  }

  public Duration duration(Setting setting, Duration min, Duration max) {
    String raw = string(setting);
    Duration value = parseDuration(raw);
    if (value == null) {
      problems.add(
          setting.name() + "=" + raw + " is not a duration (use e.g. 500ms, 30s, 5m, 24h, 1d)");
      return min;
    }
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      problems.add(setting.name() + "=" + raw + " must be between " + min + " and " + max);
    }
    return value;
  }

  public List<Duration> durations(Setting setting) {
    List<Duration> out = new ArrayList<>();
    String raw = string(setting);
    for (String part : raw.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      Duration d = parseDuration(part.trim());
      if (d == null) {
        problems.add(setting.name() + ": '" + part.trim() + "' is not a duration");
      } else {
        out.add(d);
      }
    }
    return out;
  }

  /**
   * A comma-separated {@code key=value} map, e.g. {@code API_KEYS=key1=project1,key2=project2}. The
   * values go through {@code valueCheck}, which returns an error text or null.
   */
  public Map<String, String> pairs(Setting setting, Function<String, String> valueCheck) {
    Map<String, String> out = new LinkedHashMap<>();
    String raw = string(setting);
    for (String part : raw.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq <= 0 || eq == part.length() - 1) {
        // never echo the entry: it may hold a secret
        problems.add(setting.name() + " has an entry that is not key=value");
        continue;
      }
      String key = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      String error = valueCheck.apply(value);
      if (error != null) {
        problems.add(setting.name() + ": " + error);
      }
      if (out.put(key, value) != null) {
        problems.add(setting.name() + " lists the same key twice");
      }
    }
    return out;
  }

  /** Lets a config record add a cross-field problem. */
  public void problem(String text) {
    problems.add(text);
  }

  /** Throws a {@link ConfigException} listing every problem found so far. */
  public void check() {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  public static Duration parseDuration(String raw) {
    Matcher m = DURATION.matcher(raw.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return null;
    }
    double amount = Double.parseDouble(m.group(1));
    double millis =
        switch (m.group(2)) {
          case "ms" -> amount;
          case "s" -> amount * 1_000;
          case "m" -> amount * 60_000;
          case "h" -> amount * 3_600_000;
          default -> amount * 86_400_000;
        };
    return Duration.ofMillis(Math.round(millis));
  }
}
