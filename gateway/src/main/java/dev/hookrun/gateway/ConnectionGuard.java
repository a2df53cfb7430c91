package dev.hookrun.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Bounds the gateway's HTTP connections: at most HTTP_MAX_CONNECTIONS open (one over the cap is
 * closed at once, before any request on it is read), a new connection that has not sent a complete
 * request head within HTTP_HEADER_TIMEOUT is closed (a slow or silent client would otherwise hold
 * one of the capped connections for the whole idle timeout), and a connection with no request in
 * progress for HTTP_IDLE_TIMEOUT is closed.
 *
 * <p>Not Vert.x's own idle timeout: that one counts bytes, and a synchronous predict waits up to
 * SYNC_TIMEOUT (180 s) with no byte either way, so it would cut the very calls the gateway is
 * serving. Vert.x 5.0's HttpServerOptions offers only such byte counters (idle, read-idle and
 * write-idle timeouts, for the connection's whole life) and no request-head timeout; a read-idle
 * timeout would also cut every SSE stream and sync predict, whose clients send nothing while they
 * wait. Here a connection is idle only between requests. (A client that stalls in the middle of
 * sending a body holds its connection until it finishes or goes; only callers with a valid key get
 * that far, and the cap bounds them.)
 */
final class ConnectionGuard {

  /** One connection: when it last started or finished a request, and how many are in progress. */
  private static final class State {
    volatile long lastActivity;
    volatile boolean headSeen;
    final AtomicInteger inFlight = new AtomicInteger();

    State(long now) {
      lastActivity = now;
    }
  }

  private final int max;
  private final long idleNanos;
  private final long headNanos;
  private final LongSupplier clock;
  private final Map<HttpConnection, State> open = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();

  ConnectionGuard(int max, Duration idleTimeout, Duration headTimeout, LongSupplier nanoClock) {
    this.max = max;
    this.idleNanos = idleTimeout.toNanos();
    this.headNanos = headTimeout.toNanos();
    this.clock = nanoClock;
  }

  /**
   * The options the guarded server needs: without cleartext HTTP/2 (h2c), which the API does not
   * offer, Vert.x hands over each connection as it opens; with it, only once the first request head
   * is complete (it must read the head to see an upgrade), so a client that never completes one
   * would escape both the cap and the header timeout.
   */
  static HttpServerOptions serverOptions() {
    return new HttpServerOptions().setHttp2ClearTextEnabled(false);
  }

  /**
   * Checks for idle connections about ten times per idle (or head, if shorter) timeout; returns the
   * timer id.
   */
  long startSweeping(Vertx vertx) {
    long shortest = Math.min(idleNanos, headNanos);
    return vertx.setPeriodic(Math.max(50, shortest / 10_000_000), t -> closeIdle());
  }

  /** For {@code HttpServer.connectionHandler}. */
  void opened(HttpConnection connection) {
    if (count.incrementAndGet() > max) {
      count.decrementAndGet();
      connection.close();
      return;
    }
    open.put(connection, new State(clock.getAsLong()));
    connection.closeHandler(
        v -> {
          open.remove(connection);
          count.decrementAndGet();
        });
  }

  /** The first route handler: marks the request's connection busy until the response ends. */
  void track(RoutingContext ctx) {
    State state = open.get(ctx.request().connection());
    if (state != null) {
      state.headSeen = true;
      state.inFlight.incrementAndGet();
      state.lastActivity = clock.getAsLong();
      ctx.addEndHandler(
          done -> {
            state.inFlight.decrementAndGet();
            state.lastActivity = clock.getAsLong();
          });
    }
    ctx.next();
  }

  void closeIdle() {
    long now = clock.getAsLong();
    open.forEach(
        (connection, state) -> {
          long quiet = now - state.lastActivity;
          if (state.inFlight.get() == 0
              && (quiet >= idleNanos || (!state.headSeen && quiet >= headNanos))) {
            connection.close();
          }
        });
  }

  int openConnections() {
    return count.get();
  }
}
