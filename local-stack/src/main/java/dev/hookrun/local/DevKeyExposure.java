package dev.hookrun.local;

import dev.hookrun.common.config.ConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether a local run would open its published development key to the network. The key is in the
 * README, and the local run delivers webhooks to loopback, so anyone who can reach such a gateway
 * could run models and make this machine call its own ports.
 */
final class DevKeyExposure {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-f]*:[0-9a-f:.]*");

  private DevKeyExposure() {}

  /**
   * Why the run must not start, or empty when it may.
   *
   * @param vars the run's environment (HTTP_HOST, API_KEYS)
   */
  static Optional<String> refusal(Map<String, String> vars) {
    String host = LocalStackConfig.httpHost(vars);
    if (!acceptsDevKey(vars.get("API_KEYS")) || isLoopback(host)) {
      return Optional.empty();
    }
    return Optional.of(
        "HTTP_HOST="
            + host
            + " would open the local run to the network while it accepts the development key '"
            + LocalStackConfig.DEV_KEY
            + "', which anyone can read in the README. Set keys of your own,"
            + " API_KEYS=<key>=<project>[,<key>=<project>...] (e.g. API_KEYS=$(openssl rand -hex"
            + " 16)=my-project), or leave HTTP_HOST unset to listen on 127.0.0.1 only.");
  }

  /**
   * @throws ConfigException with {@link #refusal}'s reason, before anything starts
   */
  static void check(Map<String, String> vars) {
    refusal(vars)
        .ifPresent(
            reason -> {
              throw new ConfigException(List.of(reason));
            });
  }

  /** True when API_KEYS is unset (the run then accepts the development key) or names it. */
  static boolean acceptsDevKey(String apiKeys) {
    if (apiKeys == null || apiKeys.isBlank()) {
      return true;
    }
    return Arrays.stream(apiKeys.split(","))
        .map(entry -> entry.split("=", 2)[0].trim())
        .anyMatch(LocalStackConfig.DEV_KEY::equals);
  }

  /**
   * True for {@code localhost}, 127.0.0.0/8 and ::1 (bracketed or not). Names other than localhost
   * are not resolved: a name that points at loopback today may not tomorrow.
   */
  static boolean isLoopback(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost")) {
      return true;
    }
    if (IPV4.matcher(h).matches()) {
      int[] octets = Arrays.stream(h.split("\\.")).mapToInt(Integer::parseInt).toArray();
      return octets[0] == 127 && Arrays.stream(octets).allMatch(octet -> octet <= 255);
    }
    if (!IPV6.matcher(h).matches()) {
      return false; // a name: resolving it would be a guess
    }
    try {
      // hex digits, colons and dots only: parsed as a literal, never looked up
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
