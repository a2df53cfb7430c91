package dev.hookrun.dispatcher;

import dev.hookrun.common.run.RunResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * Makes one webhook attempt. Redirects are not followed (a 3xx is a failed attempt): following
 * them would let a receiver send our signed payload to an address nobody checked.
 */
final class WebhookSender {

  private final WebClient client;
  private final DispatcherConfig config;

  WebhookSender(Vertx vertx, DispatcherConfig config) {
    this.config = config;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setFollowRedirects(false)
        .setConnectTimeout((int) config.connectTimeout().toMillis())
        .setUserAgent("hookrun-webhook/1")
        .setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(50));
  }

  Future<DeliveryOutcome> send(RunResult result) {
    Buffer body = result.webhookBody().toBuffer();
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(result.webhookEndpoint())
        .setTimeout(config.requestTimeout().toMillis())
        .putHeader("Content-Type", "application/json");
    return client.request(HttpMethod.POST, options)
        .sendBuffer(body)
        .map(response -> DeliveryOutcome.answered(response.statusCode()))
        .recover(error -> Future.succeededFuture(DeliveryOutcome.noAnswer(error.toString())));
  }

  void close() {
    client.close();
  }
}
