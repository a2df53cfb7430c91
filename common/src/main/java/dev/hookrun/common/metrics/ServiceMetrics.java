package dev.hookrun.common.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * The one Prometheus registry of a process. Every stage in the process (all of them in the local
 * run) registers its meters here, so a single {@code /metrics} shows the whole process: our {@link
 * Meters}, JVM meters, and the Vert.x meters of a Vertx made by {@link #newVertx()}.
 *
 * <p>It is process-wide on purpose: stage code records with static calls ({@code
 * Meters.runFinished(...)}) and needs no registry passed around; a Vertx built without metrics (as
 * in most tests) still records our own meters.
 */
public final class ServiceMetrics {

  public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final PrometheusMeterRegistry REGISTRY = create();

  private ServiceMetrics() {}

  public static PrometheusMeterRegistry registry() {
    return REGISTRY;
  }

  /** A Vertx whose event loops, HTTP servers and clients are measured into {@link #registry()}. */
  public static Vertx newVertx() {
    return Vertx.builder()
        .with(
            new VertxOptions()
                .setMetricsOptions(
                    new MicrometerMetricsOptions()
                        .setEnabled(true)
                        // local: tells the gateway's server from a stage's health server in
                        // one process; route: the route template (/v3/:project/:app/predict),
                        // bounded, unlike the path
                        .addLabels(Label.LOCAL, Label.HTTP_ROUTE)
                        // The HTTP client is the dispatcher's webhook sender: its own meters
                        // count attempts by outcome; Vert.x's per-request timers tagged by remote
                        // host cost ~2 % of a run's CPU (JFR) and would grow a series per
                        // customer host.
                        .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)))
        .withMetrics(new MicrometerMetricsFactory(REGISTRY))
        .build();
  }

  /** {@code GET /metrics}: the registry in Prometheus text format. */
  public static void scrape(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", PROMETHEUS_CONTENT_TYPE).end(REGISTRY.scrape());
  }

  private static PrometheusMeterRegistry create() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Bound here rather than through Vert.x's JVM option so they exist even without Vert.x
    // metrics, and are bound exactly once per process (GC listeners would double-count).
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return registry;
  }

  /** The value of every gauge named {@code name} in this process's registry, summed (0 if none). */
  public static double gaugeSum(String name) {
    return registry().find(name).gauges().stream()
        .mapToDouble(io.micrometer.core.instrument.Gauge::value)
        .sum();
  }
}
