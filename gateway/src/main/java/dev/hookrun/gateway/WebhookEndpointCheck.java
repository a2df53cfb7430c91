package dev.hookrun.gateway;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Whether a {@code webhook_endpoint} is an absolute http(s) URL some receiver could be reached at,
 * checked when the request comes in so its caller gets a 400 at once. Its own class because these
 * are rules of URL syntax, shared by predicts and batch items, apart from the body's other fields.
 */
final class WebhookEndpointCheck {

  static final String NOT_A_URL = "webhook_endpoint must be an absolute http or https URL.";

  private WebhookEndpointCheck() {}

  /**
   * What makes an http(s) URL one nobody could ever connect to, or null. Checked here so the caller
   * gets a 400 at once instead of a run whose webhook can only fail: a port outside 1..65535, or a
   * host that is neither a DNS name nor an IP literal. Whether the name resolves, and to an address
   * we may reach, is the dispatcher's to find out at delivery time.
   */
  static String unreachableAddress(String url) {
    URI uri = URI.create(url); // parsed once already by isAbsoluteHttpUrl
    if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65_535)) {
      return "has a port outside 1-65535";
    }
    String host = uri.getHost();
    if (host.startsWith("[")) {
      return null; // an IPv6 literal: URI has checked its syntax
    }
    return isIpv4Literal(host) || isDnsName(host)
        ? null
        : "has a host that is not a valid DNS name or IP address";
  }

  private static boolean isIpv4Literal(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty()
          || part.length() > 3
          || !part.chars().allMatch(Character::isDigit)
          || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /**
   * RFC 1123 host names: labels of 1-63 letters, digits and inner hyphens, 253 characters in all.
   */
  private static boolean isDnsName(String host) {
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (name.isEmpty() || name.length() > 253) {
      return false;
    }
    String[] labels = name.split("\\.", -1);
    for (String label : labels) {
      if (label.isEmpty()
          || label.length() > 63
          || label.startsWith("-")
          || label.endsWith("-")
          || !label.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '-'))) {
        return false;
      }
    }
    // an all-numeric last label is a malformed IPv4 address (1.2.3, 999.1.1.1), not a name
    return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
  }

  /** What is wrong with a webhook URL, as the error's message; empty when nothing is. */
  static String endpointProblem(String url) {
    if (!isAbsoluteHttpUrl(url)) {
      return NOT_A_URL;
    }
    String problem = unreachableAddress(url);
    return problem == null ? "" : "webhook_endpoint " + problem + ".";
  }

  static boolean isAbsoluteHttpUrl(String text) {
    if (text.length() > 2048) {
      return false;
    }
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https"))
          && uri.getHost() != null
          && !uri.getHost().isEmpty()
          && uri.getRawUserInfo() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
