package dev.hookrun.dispatcher;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Makes one webhook attempt: check the address, wait for a slot at the host, sign, POST.
 *
 * <p>The connection goes to the address the guard approved ({@code setServer}), while the Host
 * header and TLS name stay the URL's host: a second DNS answer (rebinding) cannot redirect it.
 * Redirects are not followed (a 3xx is a failed attempt): following them would send our signed
 * payload to an address nobody checked. The whole attempt, connect to last byte, is bounded by
 * the request timeout, so a receiver that trickles bytes cannot hold a slot forever.
 */
final class WebhookSender {

  static final String USER_AGENT = "hookrun-webhook/1";

  private final Vertx vertx;
  private final HttpClient client;
  private final AddressGuard guard;
  private final HostLimiter limiter;
  private final WebhookSecrets secrets;
  private final Duration requestTimeout;
  private final Clock clock;
  private final DispatcherMetrics metrics;
  private final WebhookBodies bodies;

  WebhookSender(Vertx vertx, HttpClient client, AddressGuard guard, HostLimiter limiter,
      WebhookSecrets secrets, Duration requestTimeout, Clock clock, DispatcherMetrics metrics, WebhookBodies bodies) {
    this.bodies = bodies;
    this.vertx = vertx;
    this.client = client;
    this.guard = guard;
    this.limiter = limiter;
    this.secrets = secrets;
    this.requestTimeout = requestTimeout;
    this.clock = clock;
    this.metrics = metrics;
  }

  Future<DeliveryOutcome> attempt(DeliveryRecord delivery) {
    WebhookTarget target;
    try {
      target = WebhookTarget.parse(delivery.result().webhookEndpoint());
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(DeliveryOutcome.refused(e.getMessage()));
    }
    return guard.check(target.host()).transform(checked -> {
      if (checked.failed()) {
        return Future.succeededFuture(DeliveryOutcome.noAnswer("cannot resolve " + target.host() + ": " + describe(checked.cause())));
      }
      AddressGuard.Verdict verdict = checked.result();
      if (!verdict.allowed()) {
        return Future.succeededFuture(DeliveryOutcome.refused(verdict.refusal()));
      }
      return limiter.acquire(target.authority()).transform(slot -> {
        if (slot.failed()) {
          metrics.hostBusy.incrementAndGet();
          return Future.succeededFuture(DeliveryOutcome.deferred(slot.cause().getMessage()));
        }
        return post(delivery, target, SocketAddress.inetSocketAddress(target.port(),
            verdict.address().getHostAddress())).andThen(done -> slot.result().run());
      });
    });
  }

  private Future<DeliveryOutcome> post(DeliveryRecord delivery, WebhookTarget target, SocketAddress server) {
    Buffer body = bodies.of(delivery.result()).toBuffer();
    long timestamp = clock.instant().getEpochSecond();
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setServer(server)
        .setHost(target.host().contains(":") ? "[" + target.host() + "]" : target.host())
        .setPort(target.port())
        .setSsl(target.ssl())
        .setURI(target.requestUri())
        .setFollowRedirects(false)
        .putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", USER_AGENT)
        .putHeader(SignatureSigner.HEADER_ID, delivery.webhookId())
        .putHeader(SignatureSigner.HEADER_TIMESTAMP, Long.toString(timestamp));
    secrets.keyFor(delivery.result().project()).ifPresent(key -> options.putHeader(
        SignatureSigner.HEADER_SIGNATURE, SignatureSigner.sign(key, delivery.webhookId(), timestamp, body.getBytes())));

    Promise<DeliveryOutcome> outcome = Promise.promise();
    HttpClientRequest[] request = {null};
    long timer = vertx.setTimer(requestTimeout.toMillis(), t -> {
      if (outcome.tryComplete(DeliveryOutcome.noAnswer("no complete answer within " + requestTimeout.toMillis() + " ms"))
          && request[0] != null) {
        request[0].reset(0, new TimeoutException("webhook request timed out"));
      }
    });
    client.request(options)
        .compose(req -> {
          if (outcome.future().isComplete()) { // timed out while connecting
            req.reset();
            return Future.failedFuture("timed out");
          }
          request[0] = req;
          return req.send(body);
        })
        .compose(this::readAnswer)
        .onComplete(answer -> {
          vertx.cancelTimer(timer);
          outcome.tryComplete(answer.succeeded() ? answer.result() : DeliveryOutcome.noAnswer(describe(answer.cause())));
        });
    return outcome.future();
  }

  private Future<DeliveryOutcome> readAnswer(HttpClientResponse response) {
    int status = response.statusCode();
    Duration retryAfter = RetryAfter.parse(response.getHeader("Retry-After"), clock.instant());
    response.handler(ignored -> {}); // the body is not ours to keep; read it so the connection can be reused
    return response.end().map(v -> DeliveryOutcome.answered(status, retryAfter));
  }

  static String describe(Throwable error) {
    String message = messageOf(error);
    // "Failed to create SSL connection" alone does not tell a user to fix a certificate
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String why = messageOf(root);
    return root == error || message.contains(why) ? message : message + ": " + why;
  }

  private static String messageOf(Throwable error) {
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
  }
}
