package dev.hookrun.dispatcher;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import java.util.concurrent.atomic.AtomicInteger;

/** An endpoint on 127.0.0.1 that accepts TCP connections, reads, and never answers. */
final class BlackHole implements AutoCloseable {

  private final NetServer server;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();

  BlackHole(Vertx vertx) {
    server =
        vertx
            .createNetServer()
            .connectHandler(
                socket -> {
                  connections.incrementAndGet();
                  socket.handler(ignored -> {});
                  socket.closeHandler(ignored -> closed.incrementAndGet());
                })
            .listen(0, "127.0.0.1")
            .await();
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hook";
  }

  int connections() {
    return connections.get();
  }

  /** Connections the client gave up on (its request timeout) or closed otherwise. */
  int closed() {
    return closed.get();
  }

  @Override
  public void close() {
    server.close().await();
  }
}
