package dev.hookrun.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy in front of a broker that can act as a one-way network partition: while
 * replies are dropped, requests still reach the broker (and are written) but no answer comes back.
 */
final class PartitionProxy {

  private final NetServer server;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private volatile int targetPort;
  private volatile boolean dropReplies;

  private PartitionProxy(Vertx vertx) {
    NetClient client = vertx.createNetClient();
    server =
        vertx
            .createNetServer()
            .connectHandler(
                downstream -> {
                  downstream.pause();
                  client
                      .connect(targetPort, "127.0.0.1")
                      .onSuccess(
                          upstream -> {
                            sockets.add(downstream);
                            sockets.add(upstream);
                            downstream.handler(upstream::write);
                            upstream.handler(
                                buffer -> {
                                  if (!dropReplies) {
                                    downstream.write(buffer);
                                  }
                                });
                            downstream.closeHandler(v -> upstream.close());
                            upstream.closeHandler(v -> downstream.close());
                            downstream.resume();
                          })
                      .onFailure(e -> downstream.close());
                });
    server.listen(0, "127.0.0.1").await();
  }

  static PartitionProxy start(Vertx vertx) {
    return new PartitionProxy(vertx);
  }

  int port() {
    return server.actualPort();
  }

  void forwardTo(int port) {
    targetPort = port;
  }

  void dropReplies() {
    dropReplies = true;
  }

  /** Replies flow again; connections that lost replies are closed, as their framing is broken. */
  void heal() {
    dropReplies = false;
    sockets.forEach(NetSocket::close);
    sockets.clear();
  }
}
