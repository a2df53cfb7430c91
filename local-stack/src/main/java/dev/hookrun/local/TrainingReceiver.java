package dev.hookrun.local;

import dev.hookrun.receiver.WebhookServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;

/**
 * The webhook receiver of the training run's runs, on loopback (the local run's dispatcher may
 * always deliver there). Used on one context only.
 */
final class TrainingReceiver {

  private final Vertx vertx;
  private final Promise<Void> all = Promise.promise();
  private WebhookServer server;
  private int expected = Integer.MAX_VALUE;
  private int delivered;

  TrainingReceiver(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Listens and gives the webhook URL. */
  Future<String> listen() {
    return WebhookServer.listen(
            vertx,
            0,
            (req, body) -> {
              answer(req.response(), delivered);
              delivered++;
              if (delivered >= expected) {
                all.tryComplete();
              }
            })
        .map(
            s -> {
              server = s;
              return s.url("/training");
            });
  }

  /**
   * Answers in one of a few shapes webhook receivers answer in, so the cache holds the dispatcher's
   * HTTP client's classes and profiles for them all and not only for one: an empty 200, a JSON body
   * with a length, a chunked JSON body with keep-alive headers (as Node's http module answers
   * {@code res.end(json)}), a 202 with text.
   */
  private static void answer(HttpServerResponse response, int n) {
    switch (n % 4) {
      case 1 -> response.putHeader("Content-Type", "application/json").end("{\"ok\":true}");
      case 2 -> {
        response
            .setChunked(true)
            .putHeader("content-type", "application/json")
            .putHeader("connection", "keep-alive")
            .putHeader("keep-alive", "timeout=5");
        response.write("{\"ok\":");
        response.end("true}");
      }
      case 3 -> response.setStatusCode(202).putHeader("Content-Type", "text/plain").end("accepted");
      default -> response.setStatusCode(200).end();
    }
  }

  /** Completes once {@code runs} webhooks arrived (counting those that already did). */
  Future<Void> awaitAll(int runs) {
    expected = runs;
    if (delivered >= runs) {
      all.tryComplete();
    }
    return all.future();
  }

  /** Fails {@link #awaitAll}: the training ran out of time. */
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
