package dev.hookrun.common.config;

import java.util.List;

/** Settings every service process reads outside its config record (JVM and logging). */
public final class ProcessSettings {

  public static final Setting JAVA_OPTS = Setting.of("JAVA_OPTS", "",
      "Extra JVM options for run.sh and the container entry point (e.g. -Xmx512m)");
  public static final Setting LOG_FORMAT = Setting.of("LOG_FORMAT", "text",
      "text (for people) or json (one JSON object per line, for log shippers)");
  public static final Setting LOG_LEVEL = Setting.of("LOG_LEVEL", "INFO",
      "Level of the platform's own loggers (Kafka and Netty stay at WARN)");

  public static final List<Setting> SETTINGS = List.of(JAVA_OPTS, LOG_FORMAT, LOG_LEVEL);

  private ProcessSettings() {}
}
