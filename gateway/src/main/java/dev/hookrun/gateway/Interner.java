package dev.hookrun.gateway;

import java.util.HashMap;
import java.util.Map;

/**
 * Gives one instance for equal strings that repeat across many runs (project, app, webhook
 * endpoint, worker id), so a view of a hundred thousand runs holds a handful of copies instead of a
 * hundred thousand. Bounded: past {@code max} distinct strings it hands back what it is given.
 *
 * <p>Not thread-safe: one per reading thread.
 */
public final class Interner {

  private final Map<String, String> seen = new HashMap<>();
  private final int max;

  public Interner(int max) {
    this.max = max;
  }

  public String intern(String value) {
    if (value == null) {
      return null;
    }
    String known = seen.get(value);
    if (known != null) {
      return known;
    }
    if (seen.size() < max) {
      seen.put(value, value);
    }
    return value;
  }
}
