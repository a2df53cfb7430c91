package dev.hookrun.common.run;

import java.util.Locale;

/**
 * The life of a run: (scheduled →) queued → running → one of the four final states. A run is {@code
 * scheduled} only while a start time it was given lies ahead.
 */
public enum RunStatus {
  SCHEDULED,
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  EXPIRED;

  public boolean isFinal() {
    return this != SCHEDULED && this != QUEUED && this != RUNNING;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RunStatus fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
