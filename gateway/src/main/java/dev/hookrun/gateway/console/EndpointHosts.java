package dev.hookrun.gateway.console;

import dev.hookrun.common.delivery.EndpointState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Webhook endpoints summed up per host for the overview: one receiver often serves several paths,
 * and a host going bad is what an operator looks for first.
 *
 * <p>The success rate is over every attempt to the host; the p95 is the worst of its endpoints'
 * p95s (each dispatcher keeps a percentile per endpoint, not the attempts behind it, so an exact
 * percentile of the host cannot be had; the worst one does not hide a slow path).
 */
final class EndpointHosts {

  private EndpointHosts() {}

  static JsonArray summarize(List<EndpointState> endpoints) {
    Map<String, JsonObject> hosts = new TreeMap<>();
    for (EndpointState e : endpoints) {
      JsonObject host =
          hosts.computeIfAbsent(
              hostOf(e.endpoint()),
              h ->
                  new JsonObject()
                      .put("host", h)
                      .put("endpoints", 0)
                      .put("disabled", 0)
                      .put("attempts", 0L)
                      .put("successes", 0L)
                      .putNull("latency_p95_ms"));
      host.put("endpoints", host.getInteger("endpoints") + 1)
          .put("disabled", host.getInteger("disabled") + (e.disabled() ? 1 : 0))
          .put("attempts", host.getLong("attempts") + e.attempts())
          .put("successes", host.getLong("successes") + e.successes());
      Long p95 = host.getLong("latency_p95_ms");
      if (e.latencyP95Ms() != null && (p95 == null || e.latencyP95Ms() > p95)) {
        host.put("latency_p95_ms", e.latencyP95Ms());
      }
    }
    JsonArray out = new JsonArray();
    hosts
        .values()
        .forEach(
            h -> {
              long attempts = h.getLong("attempts");
              h.put(
                  "success_rate",
                  attempts == 0 ? null : (double) h.getLong("successes") / attempts);
              out.add(h);
            });
    return out;
  }

  static String hostOf(String endpoint) {
    try {
      URI uri = URI.create(endpoint);
      if (uri.getHost() != null) {
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
      }
    } catch (IllegalArgumentException e) {
      // not a URL: shown as it is
    }
    return endpoint;
  }
}
