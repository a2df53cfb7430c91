package dev.hookrun.local;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The warm-up's zero-length predicts through the public API; counts what was sent, answered and
 * accepted. Used on one context only ({@link WarmUp} runs on one).
 *
 * <p>The runs take turns between a few shapes of request that real clients send: other header sets
 * (lower-case names, a charset, keep-alive, a user agent), a chunked body, and bodies with fields
 * of every JSON type beside the platform's own (a client reference, a timestamp with a fraction, a
 * nested input). The JIT compiles the request path, and the result and webhook paths behind it, for
 * what it has seen; a warm-up of one body and one header set left the first real client's shapes to
 * throw away compiled code in its first second after ready (docs/PERFORMANCE.md, tenth session).
 */
final class WarmUpSender {

  private static final int SHAPES = 4;

  private final HttpClient client;
  private final List<RequestOptions> requests;
  private final String hook;
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
    this.hook = hook;
    String uri = "/v3/" + project + "/" + app + "/predict";
    Supplier<RequestOptions> post =
        () ->
            new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setURI(uri);
    this.requests =
        List.of(
            post.get()
                .putHeader("Authorization", apiKey)
                .putHeader("Content-Type", "application/json"),
            // as Node's http module sends them
            post.get()
                .putHeader("content-type", "application/json")
                .putHeader("authorization", apiKey)
                .putHeader("connection", "keep-alive"),
            // as Python's requests sends them
            post.get()
                .putHeader("User-Agent", "python-requests/2.32.3")
                .putHeader("Accept-Encoding", "gzip, deflate")
                .putHeader("Accept", "*/*")
                .putHeader("Connection", "keep-alive")
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Authorization", apiKey),
            // a chunked body (set per request)
            post.get()
                .putHeader("Authorization", apiKey)
                .putHeader("Content-Type", "application/json")
                .putHeader("Accept", "application/json"));
  }

  /** Sends one run; completes when it was answered, whatever the answer. */
  Future<Void> send() {
    int shape = sent % SHAPES;
    Buffer body = body(shape, sent);
    sent++;
    inFlight++;
    return client
        .request(requests.get(shape))
        .compose(
            req -> {
              if (shape == SHAPES - 1) {
                req.setChunked(true);
                int half = body.length() / 2;
                req.write(body.getBuffer(0, half));
                return req.send(body.getBuffer(half, body.length()));
              }
              return req.send(body);
            })
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

  /** A zero-length run's body in one of the shapes; the values change from run to run. */
  private Buffer body(int shape, int n) {
    JsonObject body = new JsonObject().put("delayMins", 0).put("webhook_endpoint", hook);
    switch (shape) {
      case 1 -> body.put("client_ref", "warm-up-" + n).put("client_sent_at", sentAt());
      case 2 ->
          body.put("delayMins", 0.0)
              .put(
                  "input",
                  new JsonObject()
                      .put("prompt", "Résumé of run " + n + " — \"quoted\"\n")
                      .put("max_tokens", 256 + n % 7)
                      .put("temperature", 0.7)
                      .put("stop", new JsonArray().add("\n").add("###"))
                      .put("stream", false)
                      .putNull("seed"))
              .put(
                  "metadata",
                  new JsonObject()
                      .put("user", "u-" + n)
                      .put("sent_at", sentAt())
                      .put("id", 1_000_000_000_000L + n));
      case 3 -> body.put("client_ref", "warm-up-" + n).put("priority", n % 3 == 0);
      default -> {}
    }
    return body.toBuffer();
  }

  /** Epoch milliseconds with a fraction, as a browser's or Node's clock gives them. */
  private static double sentAt() {
    return System.currentTimeMillis() + ThreadLocalRandom.current().nextInt(1000) / 1000.0;
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
