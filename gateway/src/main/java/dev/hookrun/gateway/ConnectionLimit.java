package dev.hookrun.gateway;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the open HTTP connections of one server (HTTP_MAX_CONNECTIONS): a connection over the cap
 * is closed at once, before any request on it is read, so a flood of idle sockets cannot exhaust
 * the gateway's file descriptors or memory.
 */
final class ConnectionLimit implements Handler<HttpConnection> {

  private final int max;
  private final AtomicInteger open = new AtomicInteger();

  ConnectionLimit(int max) {
    this.max = max;
  }

  @Override
  public void handle(HttpConnection connection) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      connection.close();
      return;
    }
    connection.closeHandler(v -> open.decrementAndGet());
  }

  int open() {
    return open.get();
  }
}
