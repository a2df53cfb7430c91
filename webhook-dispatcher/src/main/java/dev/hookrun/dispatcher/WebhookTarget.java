package dev.hookrun.dispatcher;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A webhook URL taken apart for one request. Only http and https: any other scheme (file:, gopher:,
 * ...) is refused before anything is resolved.
 *
 * @param host the host as written, IPv6 literals without brackets (what gets resolved)
 * @param authority {@code host:port} as sent in the Host header, and the per-host limiter's key
 * @param requestUri path and query (never the fragment)
 */
record WebhookTarget(boolean ssl, String host, int port, String authority, String requestUri) {

  /** A URL of a scheme we refuse by policy (not a malformed one). */
  static final class SchemeNotAllowed extends IllegalArgumentException {
    SchemeNotAllowed() {
      super("only http and https webhook URLs are allowed");
    }
  }

  /**
   * @throws SchemeNotAllowed for a scheme other than http(s)
   * @throws IllegalArgumentException for a URL nothing can connect to; the message is a sentence
   *     fit for the run's status
   */
  static WebhookTarget parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("the webhook URL is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new SchemeNotAllowed();
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("the webhook URL has no valid host");
    }
    host = host.toLowerCase(Locale.ROOT);
    boolean ssl = scheme.equals("https");
    int port = uri.getPort() == -1 ? (ssl ? 443 : 80) : uri.getPort();
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("the webhook URL has a port outside 1-65535");
    }
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    return new WebhookTarget(ssl, bare, port, host + ":" + port, path + query);
  }
}
