package dev.hookrun.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Bounds the gateway's HTTP connections: at most HTTP_MAX_CONNECTIONS open (one over the cap is
 * closed at once, before any request on it is read), and a connection with no request in progress
 * for HTTP_IDLE_TIMEOUT is closed.
 *
 * <p>Not Vert.x's own idle timeout: that one counts bytes, and a synchronous predict waits up to
 * SYNC_TIMEOUT (180 s) with no byte either way, so it would cut the very calls the gateway is
 * serving. Here a connection is idle only between requests. (A client that stalls in the middle of
 * sending a body holds its connection until it finishes or goes; only callers with a valid key get
 * that far, and the cap bounds them.)
 */
final class ConnectionGuard {

  /** One connection: when it last started or finished a request, and how many are in progress. */
  private static final class State {
    volatile long lastActivity;
    final AtomicInteger inFlight = new AtomicInteger();

    State(long now) {
      lastActivity = now;
    }
  }

  private final int max;
  private final long idleNanos;
  private final LongSupplier clock;
  private final Map<HttpConnection, State> open = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();

  ConnectionGuard(int max, Duration idleTimeout, LongSupplier nanoClock) {
    this.max = max;
    this.idleNanos = idleTimeout.toNanos();
    this.clock = nanoClock;
  }

  /** Checks for idle connections about ten times per idle timeout; returns the timer id. */
  long startSweeping(Vertx vertx) {
    return vertx.setPeriodic(Math.max(50, idleNanos / 10_000_000), t -> closeIdle());
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
          if (state.inFlight.get() == 0 && now - state.lastActivity >= idleNanos) {
            connection.close();
          }
        });
  }

  int openConnections() {
    return count.get();
  }
}
