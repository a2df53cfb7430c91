package dev.hookrun.common.health;

import dev.hookrun.common.metrics.ServiceMetrics;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * {@code /healthz} (the process answers), {@code /readyz} (it can do its work: 200 or 503 with the
 * failing checks) and {@code /metrics} (Prometheus text) on a router. {@code /metrics} belongs on
 * an admin listener only: it names projects, apps and consumer groups.
 */
public final class HealthRoutes {

  private HealthRoutes() {}

  /** The probes and {@code /metrics}: an admin listener's routes. */
  public static void mount(Router router, ReadinessCheck readiness) {
    mountProbes(router, readiness);
    mountMetrics(router);
  }

  /** {@code /healthz} and {@code /readyz} only: what a public listener may show. */
  public static void mountProbes(Router router, ReadinessCheck readiness) {
    router.get("/healthz").handler(ctx -> ctx.json(new JsonObject().put("status", "ok")));
    router
        .get("/readyz")
        .handler(
            ctx -> {
              ReadinessCheck.Status status = readiness.status();
              ctx.response()
                  .setStatusCode(status.ready() ? 200 : 503)
                  .putHeader("Content-Type", "application/json")
                  .end(status.details().encode());
            });
  }

  public static void mountMetrics(Router router) {
    router.get("/metrics").handler(ServiceMetrics::scrape);
  }
}
