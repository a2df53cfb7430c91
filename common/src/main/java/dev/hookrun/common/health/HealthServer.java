package dev.hookrun.common.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health and metrics server of a stage without an HTTP API of its own (worker, dispatcher):
 * {@link HealthRoutes} on the stage's {@code HTTP_PORT}.
 *
 * <p>A process may run several verticle instances of one stage (WORKER_INSTANCES); they share one
 * server and one Kafka probe per Vertx and stage, each adding its own checks. The server closes
 * when the last instance leaves. Use from a verticle:
 *
 * <pre>{@code
 * health = HealthServer.join(vertx, "worker", config.httpHost(), config.httpPort(), () -> ReadinessCheck.kafka(...));
 * health.onSuccess(h -> h.require("consumer " + name, loop::hasJoined));   // optional
 * ... in stop(): health.leave()
 * }</pre>
 */
public final class HealthServer {

  private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
  private static final Map<Vertx, Map<String, Shared>> SERVERS = new IdentityHashMap<>();

  private static final class Shared {
    final ReadinessCheck readiness;
    Future<HttpServer> server;
    int members;

    Shared(ReadinessCheck readiness) {
      this.readiness = readiness;
    }
  }

  private final Vertx vertx;
  private final String service;
  private final Shared shared;
  private final Map<String, Boolean> ownChecks = new HashMap<>();
  private boolean left;

  private HealthServer(Vertx vertx, String service, Shared shared) {
    this.vertx = vertx;
    this.service = service;
    this.shared = shared;
  }

  /**
   * Joins (starting if needed) the health server of {@code service} in this Vertx, listening on
   * {@code host}:{@code port} (0: a free port, logged). The future fails when the port cannot be
   * bound.
   */
  public static Future<HealthServer> join(
      Vertx vertx, String service, String host, int port, Supplier<ReadinessCheck> readiness) {
    Shared shared;
    synchronized (SERVERS) {
      shared =
          SERVERS
              .computeIfAbsent(vertx, v -> new HashMap<>())
              .computeIfAbsent(service, s -> new Shared(readiness.get()));
      shared.members++;
      if (shared.server == null) {
        Router router = Router.router(vertx);
        HealthRoutes.mount(router, shared.readiness);
        shared.server =
            vertx
                .createHttpServer()
                .requestHandler(router)
                .listen(port, host)
                .onSuccess(
                    s ->
                        LOG.info(
                            "{} health and metrics on http://{}:{} (/healthz /readyz /metrics)",
                            service,
                            host,
                            s.actualPort()));
      }
    }
    HealthServer member = new HealthServer(vertx, service, shared);
    return shared
        .server
        .map(s -> member)
        .recover(e -> member.leave().transform(x -> Future.<HealthServer>failedFuture(e)));
  }

  /** Adds a readiness condition of this member, removed when it leaves. */
  public HealthServer require(String name, BooleanSupplier check) {
    shared.readiness.require(name, check);
    ownChecks.put(name, true);
    return this;
  }

  public ReadinessCheck readiness() {
    return shared.readiness;
  }

  public int port() {
    return shared.server.result().actualPort();
  }

  /** Leaves; the last member closes the server and stops probing Kafka. */
  public Future<Void> leave() {
    Future<HttpServer> toClose = null;
    synchronized (SERVERS) {
      if (left) {
        return Future.succeededFuture();
      }
      left = true;
      ownChecks.keySet().forEach(shared.readiness::remove);
      if (--shared.members == 0) {
        Map<String, Shared> byService = SERVERS.get(vertx);
        byService.remove(service);
        if (byService.isEmpty()) {
          SERVERS.remove(vertx);
        }
        toClose = shared.server;
      }
    }
    if (toClose == null) {
      return Future.succeededFuture();
    }
    shared.readiness.close();
    return toClose.compose(HttpServer::close, e -> Future.succeededFuture());
  }
}
