package dev.hookrun.common.delivery;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The endpoint a webhook URL names, for its health: scheme, host, port and path, without query or
 * fragment ({@code https://example.com:443/hook}). Runs that differ only in a query parameter (a
 * run id, a token) go to the same receiver, and share its health.
 */
public final class EndpointKey {

  private EndpointKey() {}

  /** The endpoint of {@code url}, or null for a URL that names none (not http(s), no host). */
  public static String of(String url) {
    if (url == null) {
      return null;
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return null;
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      return null;
    }
    int port = uri.getPort() == -1 ? (scheme.equals("https") ? 443 : 80) : uri.getPort();
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + port + path;
  }
}
