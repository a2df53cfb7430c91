package dev.hookrun.common.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises a secret left as the example files give it ({@code replace-me-with-…}, {@code
 * change-me}): a deployment that starts with one is open to anyone who read the same example.
 */
final class Placeholders {

  private static final List<String> MARKERS =
      List.of("replace-me", "replaceme", "change-me", "changeme");

  /** A prefixed base64 token, e.g. a webhook secret's {@code whsec_<base64>}. */
  private static final Pattern ENCODED = Pattern.compile("(?:[a-z]+_)?([A-Za-z0-9+/]{8,}={0,2})");

  private Placeholders() {}

  /**
   * Whether {@code value}, one of its {@code key=value,…} parts, or the base64 text of one, begins
   * with a placeholder word. Only the beginning counts, so a real key that merely contains the word
   * (the local run's published {@code dev-key-change-me}) is not taken for one.
   */
  static boolean in(String value) {
    for (String part : parts(value)) {
      if (startsWithMarker(part) || startsWithMarker(decoded(part))) {
        return true;
      }
    }
    return false;
  }

  private static List<String> parts(String value) {
    List<String> parts = new ArrayList<>();
    parts.add(value.trim());
    for (String entry : value.split(",")) {
      int eq = entry.indexOf('=');
      parts.add(entry.trim());
      if (eq > 0) {
        parts.add(entry.substring(0, eq).trim());
        parts.add(entry.substring(eq + 1).trim());
      }
    }
    return parts;
  }

  private static boolean startsWithMarker(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    return MARKERS.stream().anyMatch(lower::startsWith);
  }

  private static String decoded(String part) {
    Matcher m = ENCODED.matcher(part);
    if (!m.matches()) {
      return "";
    }
    try {
      return new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.ISO_8859_1);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}
