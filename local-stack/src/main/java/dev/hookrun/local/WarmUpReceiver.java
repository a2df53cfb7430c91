package dev.hookrun.local;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * The webhook receiver of the warm-up's runs, on loopback (the warm-up's own dispatcher may always
 * deliver there). Used on one context only.
 */
final class WarmUpReceiver {

  private final Vertx vertx;
  private final Promise<Void> all = Promise.promise();
  private HttpServer server;
  private int expected = Integer.MAX_VALUE;
  private int delivered;

  WarmUpReceiver(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Listens and gives the webhook URL. */
  Future<String> listen() {
    return vertx
        .createHttpServer()
        .requestHandler(
            req ->
                req.end()
                    .onComplete(
                        x -> {
                          req.response().setStatusCode(200).end();
                          delivered++;
                          if (delivered >= expected) {
                            all.tryComplete();
                          }
                        }))
        .listen(0, "127.0.0.1")
        .map(
            s -> {
              server = s;
              return "http://127.0.0.1:" + s.actualPort() + "/warm-up";
            });
  }

  /** Completes once {@code runs} webhooks arrived (counting those that already did). */
  Future<Void> awaitAll(int runs) {
    expected = runs;
    if (delivered >= runs) {
      all.tryComplete();
    }
    return all.future();
  }

  /** Fails {@link #awaitAll}: the warm-up ran out of time. */
  void timeOut() {
    all.tryFail("timed out");
  }

  int delivered() {
    return delivered;
  }

  Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
