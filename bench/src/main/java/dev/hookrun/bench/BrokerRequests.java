package dev.hookrun.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local run's broker request counters ({@code hookrun_broker_requests_total}) read from its
 * Prometheus page: what a measured pass cost the broker, in requests per run.
 */
final class BrokerRequests {

  private static final Pattern LINE =
      Pattern.compile(
          "^hookrun_broker_requests_total\\{request=\"(\\w+)\"\\} ([0-9.eE+]+)$",
          Pattern.MULTILINE);

  private BrokerRequests() {}

  /** The counters by request type, or nothing when no URL is given or the page has none. */
  static Map<String, Double> scrape(String metricsUrl) {
    Map<String, Double> counts = new LinkedHashMap<>();
    if (metricsUrl == null) {
      return counts;
    }
    try {
      String page =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(metricsUrl))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher m = LINE.matcher(page);
      while (m.find()) {
        counts.put(m.group(1), Double.parseDouble(m.group(2)));
      }
    } catch (Exception e) {
      System.err.println("could not read broker request counters from " + metricsUrl + ": " + e);
    }
    return counts;
  }

  static Map<String, Double> since(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Double> delta = new LinkedHashMap<>();
    after.forEach((type, n) -> delta.put(type, n - before.getOrDefault(type, 0.0)));
    return delta;
  }
}
