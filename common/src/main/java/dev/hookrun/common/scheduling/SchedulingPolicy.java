package dev.hookrun.common.scheduling;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link FairQueue} shares worker slots between projects: each project's weight (its share of
 * starts among projects queued at the same level), each project's cap on running runs, and how long
 * a run waits before it is served one priority level higher.
 *
 * @param weights per-project weights; projects not listed get {@code defaultWeight}
 * @param maxRunning per-project caps on running runs; projects not listed get {@code
 *     defaultMaxRunning}
 * @param defaultMaxRunning {@link Integer#MAX_VALUE} means no cap
 * @param aging the wait that raises a run one level; {@link Duration#ZERO} turns aging off
 */
public record SchedulingPolicy(
    Map<String, Integer> weights,
    int defaultWeight,
    Map<String, Integer> maxRunning,
    int defaultMaxRunning,
    Duration aging) {

  public static final String WEIGHTS_VARIABLE = "PROJECT_WEIGHTS";
  public static final String MAX_RUNNING_VARIABLE = "PROJECT_MAX_RUNNING";
  public static final Duration DEFAULT_AGING = Duration.ofMinutes(10);
  public static final int UNLIMITED = Integer.MAX_VALUE;

  /** The name in {@code PROJECT_WEIGHTS} and {@code PROJECT_MAX_RUNNING} that sets the default. */
  private static final String EVERY_PROJECT = "*";

  public SchedulingPolicy {
    weights = atLeastOne(weights, "weight");
    maxRunning = atLeastOne(maxRunning, "maxRunning");
    if (defaultWeight < 1) {
      throw new IllegalArgumentException("default weight must be at least 1, was " + defaultWeight);
    }
    if (defaultMaxRunning < 1) {
      throw new IllegalArgumentException(
          "default maxRunning must be at least 1, was " + defaultMaxRunning);
    }
    Objects.requireNonNull(aging, "aging");
    if (aging.isNegative()) {
      throw new IllegalArgumentException("aging must not be negative, was " + aging);
    }
  }

  /** Equal weights, no caps, aging after {@link #DEFAULT_AGING}. */
  public static SchedulingPolicy unlimited() {
    return new SchedulingPolicy(Map.of(), 1, Map.of(), UNLIMITED, DEFAULT_AGING);
  }

  /**
   * The policy the environment describes.
   *
   * @param projectWeights {@code PROJECT_WEIGHTS}: {@code p1=3,p2=1}, with {@code *=2} setting the
   *     weight of projects not listed; null or blank for equal weights
   * @param projectMaxRunning {@code PROJECT_MAX_RUNNING}: {@code 8} (every project), {@code
   *     p1=4,p2=2}, or both ({@code 8,p1=4}); null or blank for no caps
   * @throws IllegalArgumentException naming the variable and the entry it cannot read
   */
  public static SchedulingPolicy parse(
      String projectWeights, String projectMaxRunning, Duration aging) {
    Entries weights = Entries.parse(WEIGHTS_VARIABLE, projectWeights, false);
    Entries caps = Entries.parse(MAX_RUNNING_VARIABLE, projectMaxRunning, true);
    return new SchedulingPolicy(
        weights.byProject,
        weights.fallback == null ? 1 : weights.fallback,
        caps.byProject,
        caps.fallback == null ? UNLIMITED : caps.fallback,
        aging);
  }

  public int weight(String project) {
    return weights.getOrDefault(project, defaultWeight);
  }

  public int maxRunning(String project) {
    return maxRunning.getOrDefault(project, defaultMaxRunning);
  }

  private static Map<String, Integer> atLeastOne(Map<String, Integer> values, String what) {
    Objects.requireNonNull(values, what);
    values.forEach(
        (project, value) -> {
          if (value == null || value < 1) {
            throw new IllegalArgumentException(
                what + " of project " + project + " must be at least 1, was " + value);
          }
        });
    return Map.copyOf(values);
  }

  /** One variable's {@code name=value} entries and, if given, its value for every other project. */
  private static final class Entries {
    private final Map<String, Integer> byProject = new HashMap<>();
    private Integer fallback;

    static Entries parse(String variable, String text, boolean bareNumberIsDefault) {
      Entries entries = new Entries();
      if (text == null || text.isBlank()) {
        return entries;
      }
      for (String raw : text.split(",", -1)) {
        String entry = raw.strip();
        if (entry.isEmpty()) {
          throw bad(variable, entry, "empty entry (a stray comma?)");
        }
        int eq = entry.indexOf('=');
        if (eq < 0 && !bareNumberIsDefault) {
          throw bad(variable, entry, "expected project=weight (or *=weight for the default)");
        }
        String project = eq < 0 ? EVERY_PROJECT : entry.substring(0, eq).strip();
        if (project.isEmpty()) {
          throw bad(variable, entry, "expected project=number");
        }
        int value = wholeNumber(variable, entry, entry.substring(eq + 1).strip());
        if (project.equals(EVERY_PROJECT)) {
          if (entries.fallback != null) {
            throw bad(variable, entry, "the default for every project is given twice");
          }
          entries.fallback = value;
        } else if (entries.byProject.putIfAbsent(project, value) != null) {
          throw bad(variable, entry, "project " + project + " is given twice");
        }
      }
      return entries;
    }

    private static int wholeNumber(String variable, String entry, String digits) {
      try {
        int value = Integer.parseInt(digits);
        if (value >= 1) {
          return value;
        }
      } catch (NumberFormatException e) {
        // reported below with the entry it came from
      }
      throw bad(variable, entry, "the value must be a whole number of at least 1");
    }

    private static IllegalArgumentException bad(String variable, String entry, String why) {
      return new IllegalArgumentException(
          variable + ": cannot read entry \"" + entry + "\": " + why);
    }
  }
}
