package dev.hookrun.common.run;

import java.util.Locale;
import java.util.Optional;

/**
 * A run's place in the queue: queued {@code high} runs start before {@code normal} ones, {@code
 * normal} before {@code low}. The declaration order is the serving order.
 */
public enum Priority {
  HIGH,
  NORMAL,
  LOW;

  /** The request field that carries it. */
  public static final String FIELD = "priority";

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The level {@code levels} steps more urgent, never past {@link #HIGH}. */
  public Priority raisedBy(long levels) {
    return values()[(int) Math.max(0, ordinal() - Math.min(levels, ordinal()))];
  }

  /**
   * The wire value's priority; empty for anything but {@code high}, {@code normal}, {@code low}.
   */
  public static Optional<Priority> fromWire(String value) {
    if (value == null) {
      return Optional.empty();
    }
    return switch (value) {
      case "high" -> Optional.of(HIGH);
      case "normal" -> Optional.of(NORMAL);
      case "low" -> Optional.of(LOW);
      default -> Optional.empty();
    };
  }
}
