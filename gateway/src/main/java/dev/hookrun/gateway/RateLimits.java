package dev.hookrun.gateway;

import dev.hookrun.common.config.Env;
import dev.hookrun.common.config.Setting;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code RATE_LIMITS}: for each limited project, how many runs a second it may queue on one gateway
 * and how many at once after a quiet spell (the burst). A project it does not name has no limit.
 */
record RateLimits(Map<String, Limit> byProject) {

  /** Runs per second (may be a fraction: 0.5 is one every two seconds) and the burst. */
  record Limit(double perSecond, int burst) {

    /** As the setting writes it, e.g. {@code 50/100} or {@code 0.5/1}. */
    String describe() {
      return BigDecimal.valueOf(perSecond).stripTrailingZeros().toPlainString() + "/" + burst;
    }
  }

  static final double MIN_RATE = 0.001;
  static final double MAX_RATE = 1_000_000;
  static final int MAX_BURST = 1_000_000;

  private static final Pattern ENTRY =
      Pattern.compile("([^=\\s]+)\\s*=\\s*(-?\\d+(?:\\.\\d+)?)\\s*/\\s*(-?\\d{1,9})");

  static final RateLimits NONE = new RateLimits(Map.of());

  RateLimits {
    byProject = Map.copyOf(byProject);
  }

  Limit of(String project) {
    return byProject.get(project);
  }

  /**
   * Reads {@code project=rate/burst,...}; every malformed entry, rate or burst outside its range,
   * project named twice and project no API key belongs to (a typo that would leave the meant
   * project unlimited) is a problem of {@code env}.
   */
  static RateLimits parse(Env env, Setting setting, Set<String> projects) {
    Map<String, Limit> limits = new LinkedHashMap<>();
    Set<String> named = new HashSet<>();
    for (String part : env.string(setting).split(",")) {
      String entry = part.trim();
      if (entry.isEmpty()) {
        continue;
      }
      Matcher m = ENTRY.matcher(entry);
      if (!m.matches()) {
        env.problem(
            setting.name()
                + ": '"
                + entry
                + "' is not project=rate/burst (runs per second / most at once, e.g. p1=50/100)");
        continue;
      }
      String project = m.group(1);
      double rate = Double.parseDouble(m.group(2));
      int burst = Integer.parseInt(m.group(3));
      boolean valid = true;
      if (!(rate >= MIN_RATE) || rate > MAX_RATE) {
        env.problem(
            setting.name()
                + ": "
                + project
                + "'s rate "
                + m.group(2)
                + " must be above 0: from "
                + MIN_RATE
                + " to "
                + (long) MAX_RATE
                + " runs per second");
        valid = false;
      }
      if (burst < 1 || burst > MAX_BURST) {
        env.problem(
            setting.name()
                + ": "
                + project
                + "'s burst "
                + m.group(3)
                + " must be at least 1 (and at most "
                + MAX_BURST
                + ")");
        valid = false;
      }
      if (!projects.contains(project)) {
        env.problem(
            setting.name() + " names project '" + project + "', which no key in API_KEYS is for");
        valid = false;
      }
      if (!named.add(project)) {
        env.problem(setting.name() + " names project '" + project + "' twice");
      } else if (valid) {
        limits.put(project, new Limit(rate, burst));
      }
    }
    return new RateLimits(limits);
  }
}
