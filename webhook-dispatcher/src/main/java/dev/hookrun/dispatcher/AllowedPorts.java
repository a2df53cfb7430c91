package dev.hookrun.dispatcher;

import java.util.ArrayList;
import java.util.List;

/**
 * The ports webhooks may go to (WEBHOOK_ALLOWED_PORTS), e.g. {@code 80,443,8000-9000}; empty allows
 * any. A public address can still host an internal service on an odd port (a database, an admin
 * console), which an operator may want out of a webhook's reach.
 */
public record AllowedPorts(String spec, List<Range> ranges) {

  /** {@code from} to {@code to}, both included. */
  record Range(int from, int to) {
    boolean contains(int port) {
      return port >= from && port <= to;
    }
  }

  public static AllowedPorts any() {
    return new AllowedPorts("", List.of());
  }

  /**
   * @throws IllegalArgumentException naming the part that is not a port or a range of ports
   */
  public static AllowedPorts parse(String text) {
    List<Range> ranges = new ArrayList<>();
    for (String raw : text.split(",")) {
      String part = raw.trim();
      if (part.isEmpty()) {
        continue;
      }
      int dash = part.indexOf('-');
      int from = port(dash < 0 ? part : part.substring(0, dash), part);
      int to = dash < 0 ? from : port(part.substring(dash + 1), part);
      if (to < from) {
        throw new IllegalArgumentException("'" + part + "' is a range that ends before it starts");
      }
      ranges.add(new Range(from, to));
    }
    return new AllowedPorts(text.trim(), List.copyOf(ranges));
  }

  private static int port(String text, String part) {
    int port;
    try {
      port = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(
          "'" + part + "' is not a port (1-65535) or a range of ports (e.g. 8000-9000)");
    }
    return port;
  }

  public boolean allowsAny() {
    return ranges.isEmpty();
  }

  boolean allows(int port) {
    return ranges.isEmpty() || ranges.stream().anyMatch(r -> r.contains(port));
  }

  @Override
  public String toString() {
    return ranges.isEmpty() ? "any" : spec;
  }
}
