package dev.hookrun.gateway;

import java.time.Duration;
import java.util.Locale;

/**
 * {@code Prefer: wait=N} on a synchronous predict (RFC 7240 §4.3, as Replicate uses it): wait at
 * most N seconds for the result, then answer the usual 202. Other preferences are ignored, as the
 * RFC asks.
 */
final class PreferWait {

  private PreferWait() {}

  /**
   * The wait asked for, the default when none; throws with the caller's message when N is out of
   * range.
   */
  static Duration parse(String header, Duration syncTimeout) {
    if (header == null) {
      return syncTimeout;
    }
    for (String preference : header.split(",")) {
      String[] kv = preference.trim().split("=", 2);
      if (kv.length == 2 && kv[0].trim().toLowerCase(Locale.ROOT).equals("wait")) {
        long seconds;
        try {
          seconds = Long.parseLong(kv[1].trim().replace("\"", ""));
        } catch (NumberFormatException e) {
          seconds = -1;
        }
        if (seconds < 1 || seconds > syncTimeout.toSeconds()) {
          throw new IllegalArgumentException(
              "Prefer: wait must be a whole number of seconds from 1 to "
                  + syncTimeout.toSeconds()
                  + " (SYNC_TIMEOUT).");
        }
        return Duration.ofSeconds(seconds);
      }
    }
    return syncTimeout;
  }
}
