package dev.hookrun.local;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * The warm-up's zero-length predicts through the public API; counts what was sent, answered and
 * accepted. Used on one context only ({@link WarmUp} runs on one).
 */
final class WarmUpSender {

  private final HttpClient client;
  private final RequestOptions request;
  private final Buffer body;
  private int sent;
  private int accepted;
  private int inFlight;
  private Promise<Void> idle;

  /**
   * @param hook the webhook every run names
   */
  WarmUpSender(
      HttpClient client,
      String host,
      int port,
      String project,
      String app,
      String apiKey,
      String hook) {
    this.client = client;
    this.request =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost(host)
            .setPort(port)
            .setURI("/v3/" + project + "/" + app + "/predict")
            .putHeader("Authorization", apiKey)
            .putHeader("Content-Type", "application/json");
    this.body = new JsonObject().put("delayMins", 0).put("webhook_endpoint", hook).toBuffer();
  }

  /** Sends one run; completes when it was answered, whatever the answer. */
  Future<Void> send() {
    sent++;
    inFlight++;
    return client
        .request(request)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .andThen(
            r -> {
              inFlight--;
              if (r.succeeded() && r.result() / 100 == 2) {
                accepted++;
              }
              if (inFlight == 0 && idle != null) {
                idle.tryComplete();
              }
            })
        .mapEmpty();
  }

  /** Completes {@code promise} once no run is in flight (at once if none is). */
  void whenIdle(Promise<Void> promise) {
    idle = promise;
    if (inFlight == 0) {
      promise.tryComplete();
    }
  }

  int sent() {
    return sent;
  }

  int accepted() {
    return accepted;
  }

  int inFlight() {
    return inFlight;
  }
}
