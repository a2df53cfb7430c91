package dev.hookrun.common.config;

import java.util.ArrayList;
import java.util.List;

/**
 * One environment variable a service reads: its name, the default used when it is unset (null when
 * it has none) and what it means. Config records list their settings so the README,
 * docker-compose.yml and start-up validation all work from the same names.
 *
 * @param secret a key, password or signing secret: its value is never echoed, and a placeholder
 *     copied from an example ({@code replace-me…}, {@code change-me…}) is refused at start ({@link
 *     Placeholders})
 */
public record Setting(String name, String defaultValue, String description, boolean secret) {

  public Setting(String name, String defaultValue, String description) {
    this(name, defaultValue, description, false);
  }

  public static Setting of(String name, String defaultValue, String description) {
    return new Setting(name, defaultValue, description);
  }

  public static Setting required(String name, String description) {
    return new Setting(name, null, description);
  }

  /** The same setting, holding a secret. */
  public Setting asSecret() {
    return new Setting(name, defaultValue, description, true);
  }

  /**
   * A config's catalog: its own settings, then those of the parts it reads (Kafka, results, ...).
   */
  @SafeVarargs
  public static List<Setting> catalog(List<Setting> own, List<Setting>... parts) {
    List<Setting> all = new ArrayList<>(own);
    for (List<Setting> part : parts) {
      all.addAll(part);
    }
    return List.copyOf(all);
  }
}
