package dev.hookrun.common.config;

/**
 * One environment variable a service reads: its name, the default used when it is unset (null
 * when it has none) and what it means. Config records list their settings so the README,
 * docker-compose.yml and start-up validation all work from the same names.
 */
public record Setting(String name, String defaultValue, String description) {

  public static Setting of(String name, String defaultValue, String description) {
    return new Setting(name, defaultValue, description);
  }

  public static Setting required(String name, String description) {
    return new Setting(name, null, description);
  }
}
