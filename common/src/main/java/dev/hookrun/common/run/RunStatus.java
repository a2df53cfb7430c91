package dev.hookrun.common.run;

import java.util.Locale;

/** The life of a run: queued → running → one of the four final states. */
public enum RunStatus {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  EXPIRED;

  public boolean isFinal() {
    return this != QUEUED && this != RUNNING;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RunStatus fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
