package dev.hookrun.dispatcher;

import dev.hookrun.common.cache.BoundedCache;
import dev.hookrun.common.delivery.DeliveryRecord;
import dev.hookrun.common.metrics.Meters;
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
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Makes one webhook attempt: check the address, wait for a slot at the host, sign, POST.
 *
 * <p>The connection goes to the address the guard approved ({@code setServer}), while the Host
 * header and TLS name stay the URL's host: a second DNS answer (rebinding) cannot redirect it.
 * Redirects are not followed (a 3xx is a failed attempt): following them would send our signed
 * payload to an address nobody checked. The whole attempt, connect to last byte, is bounded by the
 * request timeout, so a receiver that trickles bytes cannot hold a slot forever.
 */
final class WebhookSender {

  static final String USER_AGENT = "hookrun-webhook/1";

  private final Vertx vertx;
  private final HttpClient client;
  private final AddressGuard guard;
  private final AllowedPorts ports;
  private final HostLimiter limiter;
  private final WebhookSecrets secrets;
  private final Duration requestTimeout;
  private final Clock clock;
  private final DispatcherMetrics metrics;
  private final WebhookBodies bodies;
  // most runs of an app name the same URL: java.net.URI took it apart at every attempt
  private final BoundedCache<String, WebhookTarget> targets = new BoundedCache<>(1_024);

  WebhookSender(
      Vertx vertx,
      HttpClient client,
      AddressGuard guard,
      AllowedPorts ports,
      HostLimiter limiter,
      WebhookSecrets secrets,
      Duration requestTimeout,
      Clock clock,
      DispatcherMetrics metrics,
      WebhookBodies bodies) {
    this.bodies = bodies;
    this.vertx = vertx;
    this.client = client;
    this.guard = guard;
    this.ports = ports;
    this.limiter = limiter;
    this.secrets = secrets;
    this.requestTimeout = requestTimeout;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** One signed POST: where, for which project (its secret), with which id and body. */
  record Message(String endpoint, String project, String webhookId, Buffer body) {}

  Future<DeliveryOutcome> attempt(DeliveryRecord delivery) {
    return attempt(
        new Message(
            delivery.result().webhookEndpoint(),
            delivery.result().project(),
            delivery.webhookId(),
            bodies.of(delivery.result()).toBuffer()),
        false,
        requestTimeout);
  }

  /**
   * A best-effort attempt (lifecycle events): never waits for a slot at a busy host (that is a
   * {@code deferred} outcome, which the caller drops) and gives up after {@code timeout}.
   */
  Future<DeliveryOutcome> attemptNow(Message message, Duration timeout) {
    return attempt(message, true, timeout);
  }

  private Future<DeliveryOutcome> attempt(Message message, boolean now, Duration timeout) {
    WebhookTarget target;
    try {
      target = targets.get(message.endpoint(), WebhookTarget::parse);
    } catch (WebhookTarget.SchemeNotAllowed e) {
      return Future.succeededFuture(DeliveryOutcome.refused(e.getMessage()));
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(DeliveryOutcome.invalidEndpoint(e.getMessage()));
    }
    if (!ports.allows(target.port())) {
      return Future.succeededFuture(
          DeliveryOutcome.refused(
              "webhook port refused: "
                  + target.authority()
                  + " (WEBHOOK_ALLOWED_PORTS allows "
                  + ports
                  + ")"));
    }
    return guard
        .check(target.host())
        .transform(
            checked -> {
              if (checked.failed()) {
                return Future.succeededFuture(
                    DeliveryOutcome.noAnswer(
                        "cannot resolve " + target.host() + ": " + describe(checked.cause())));
              }
              AddressGuard.Verdict verdict = checked.result();
              if (!verdict.allowed()) {
                return Future.succeededFuture(DeliveryOutcome.refused(verdict.refusal()));
              }
              Future<Runnable> acquired;
              if (now) {
                Runnable free = limiter.tryAcquire(target.authority());
                acquired =
                    free != null
                        ? Future.succeededFuture(free)
                        : Future.failedFuture(
                            new HostLimiter.HostBusy(
                                "host busy: no free slot for a best-effort event"));
              } else {
                acquired = limiter.acquire(target.authority());
              }
              return acquired.transform(
                  slot -> {
                    if (slot.failed()) {
                      metrics.countHostBusy();
                      return Future.succeededFuture(
                          DeliveryOutcome.deferred(slot.cause().getMessage()));
                    }
                    // whatever happens from here on, the slot goes back: a slot kept by an
                    // attempt that threw would shrink the host's budget for good
                    Runnable release = slot.result();
                    Future<DeliveryOutcome> posted;
                    long postedAt = System.nanoTime();
                    try {
                      posted =
                          post(
                              message,
                              target,
                              SocketAddress.inetSocketAddress(
                                  target.port(), verdict.address().getHostAddress()),
                              timeout);
                    } catch (IllegalArgumentException e) {
                      posted =
                          Future.succeededFuture(
                              DeliveryOutcome.invalidEndpoint(
                                  "cannot connect to " + target.authority() + ": " + describe(e)));
                    } catch (RuntimeException e) {
                      posted = Future.failedFuture(e);
                    }
                    return posted.andThen(
                        done -> {
                          release.run();
                          Meters.webhookRequestTime(System.nanoTime() - postedAt);
                        });
                  });
            });
  }

  private Future<DeliveryOutcome> post(
      Message message, WebhookTarget target, SocketAddress server, Duration timeout) {
    Buffer body = message.body();
    long timestamp = clock.instant().getEpochSecond();
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setServer(server)
            .setHost(target.host().contains(":") ? "[" + target.host() + "]" : target.host())
            .setPort(target.port())
            .setSsl(target.ssl())
            .setURI(target.requestUri())
            .setFollowRedirects(false)
            .putHeader("Content-Type", "application/json")
            .putHeader("User-Agent", USER_AGENT)
            .putHeader(SignatureSigner.HEADER_ID, message.webhookId())
            .putHeader(SignatureSigner.HEADER_TIMESTAMP, Long.toString(timestamp));
    List<byte[]> keys = secrets.keysFor(message.project());
    if (!keys.isEmpty()) {
      options.putHeader(
          SignatureSigner.HEADER_SIGNATURE,
          SignatureSigner.sign(keys, message.webhookId(), timestamp, body.getBytes()));
    }

    Promise<DeliveryOutcome> outcome = Promise.promise();
    HttpClientRequest[] request = {null};
    long timer =
        vertx.setTimer(
            timeout.toMillis(),
            t -> {
              if (outcome.tryComplete(
                      DeliveryOutcome.noAnswer(
                          "no complete answer within " + timeout.toMillis() + " ms"))
                  && request[0] != null) {
                request[0].reset(0, new TimeoutException("webhook request timed out"));
              }
            });
    client
        .request(options)
        .compose(
            req -> {
              if (outcome.future().isComplete()) { // timed out while connecting
                req.reset();
                return Future.failedFuture("timed out");
              }
              request[0] = req;
              return req.send(body);
            })
        .compose(this::readAnswer)
        .onComplete(
            answer -> {
              vertx.cancelTimer(timer);
              outcome.tryComplete(
                  answer.succeeded()
                      ? answer.result()
                      : DeliveryOutcome.noAnswer(describe(answer.cause())));
            });
    return outcome.future();
  }

  private Future<DeliveryOutcome> readAnswer(HttpClientResponse response) {
    int status = response.statusCode();
    Duration retryAfter = RetryAfter.parse(response.getHeader("Retry-After"), clock.instant());
    response.handler(
        ignored -> {}); // the body is not ours to keep; read it so the connection can be reused
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
