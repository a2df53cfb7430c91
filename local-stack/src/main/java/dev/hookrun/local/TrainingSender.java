package dev.hookrun.local;

import io.vertx.core.Future;
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
 * The training run's zero-length predicts through the public API; counts what was sent and
 * accepted. Used on one context only ({@link TrainingClient} runs on one).
 *
 * <p>The runs take turns between a few shapes of request that real clients send: other header sets
 * (lower-case names, a charset, keep-alive, a user agent), a chunked body, and bodies with fields
 * of every JSON type beside the platform's own (a client reference, a timestamp with a fraction, a
 * nested input). The cache keeps the classes and method profiles of what the training saw; one body
 * and one header set would leave the first real client's shapes to the cold path.
 */
final class TrainingSender {

  private static final int SHAPES = 4;

  private final HttpClient client;
  private final List<RequestOptions> requests;
  private final String hook;
  private int sent;
  private int accepted;

  /**
   * @param hook the webhook every run names
   */
  TrainingSender(
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

  /**
   * Sends one run, with the webhook or, when {@code sync}, without (the gateway answers with the
   * result); completes with the answer's body when it was accepted, else with null.
   */
  Future<JsonObject> send(boolean sync) {
    int shape = sent % SHAPES;
    Buffer body = body(shape, sent);
    if (sync) {
      JsonObject withoutHook = body.toJsonObject();
      withoutHook.remove("webhook_endpoint");
      body = withoutHook.toBuffer();
    }
    Buffer sending = body;
    sent++;
    return client
        .request(requests.get(shape))
        .compose(
            req -> {
              if (shape == SHAPES - 1) {
                req.setChunked(true);
                int half = sending.length() / 2;
                req.write(sending.getBuffer(0, half));
                return req.send(sending.getBuffer(half, sending.length()));
              }
              return req.send(sending);
            })
        .compose(resp -> resp.body().map(b -> resp.statusCode() / 100 == 2 ? b : null))
        .map(
            answer -> {
              if (answer == null) {
                return null;
              }
              accepted++;
              return answer.toJsonObject();
            })
        .otherwise((JsonObject) null);
  }

  /** A zero-length run's body in one of the shapes; the values change from run to run. */
  private Buffer body(int shape, int n) {
    JsonObject body = new JsonObject().put("delayMins", 0).put("webhook_endpoint", hook);
    switch (shape) {
      case 1 -> body.put("client_ref", "training-" + n).put("client_sent_at", sentAt());
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
      case 3 -> body.put("client_ref", "training-" + n).put("priority", n % 3 == 0);
      default -> {}
    }
    return body.toBuffer();
  }

  /** Epoch milliseconds with a fraction, as a browser's or Node's clock gives them. */
  private static double sentAt() {
    return System.currentTimeMillis() + ThreadLocalRandom.current().nextInt(1000) / 1000.0;
  }

  int sent() {
    return sent;
  }

  int accepted() {
    return accepted;
  }
}
