package dev.hookrun.local;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The client side of a training run ({@link Training}): zero-length runs through a gateway's public
 * API on the paths a user's runs take, so the JVMs behind it load and profile what they will run:
 * predicts with a webhook (queued, run, delivered to {@link TrainingReceiver}), every twentieth one
 * without (the gateway waits for the result and answers with it), and the status of every tenth
 * accepted run read back.
 */
final class TrainingClient {

  static final String APP = "webhook-delay-example";
  private static final int LANES = 16;
  private static final int SYNC_EVERY = 20;
  private static final int STATUS_EVERY = 10;

  private final Vertx vertx;
  private final String host;
  private final int port;
  private final String apiKey;
  private final String project;
  private int next;
  private int awaitedWebhooks;
  private int statusRead;

  TrainingClient(Vertx vertx, String host, int port, String apiKey, String project) {
    this.vertx = vertx;
    this.host = host;
    this.port = port;
    this.apiKey = apiKey;
    this.project = project;
  }

  /**
   * Sends {@code runs} runs and completes once every accepted webhook run was delivered; fails when
   * that takes longer than {@code within}. Gives a line on what went through.
   */
  Future<String> run(int runs, Duration within) {
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(LANES));
    TrainingReceiver receiver = new TrainingReceiver(vertx);
    long t0 = System.nanoTime();
    Promise<String> done = Promise.promise();
    vertx.runOnContext(
        v ->
            receiver
                .listen()
                .compose(
                    hook -> {
                      TrainingSender sender =
                          new TrainingSender(client, host, port, project, APP, apiKey, hook);
                      List<Future<Void>> lanes = new ArrayList<>();
                      for (int i = 0; i < LANES; i++) {
                        lanes.add(lane(sender, client, runs));
                      }
                      long timer = vertx.setTimer(within.toMillis(), t -> receiver.timeOut());
                      return Future.all(lanes)
                          .compose(x -> receiver.awaitAll(awaitedWebhooks))
                          .eventually(() -> Future.succeededFuture(vertx.cancelTimer(timer)))
                          .map(
                              x ->
                                  String.format(
                                      "training: %d runs in %d ms, %d accepted, %d webhooks"
                                          + " delivered, %d statuses read",
                                      sender.sent(),
                                      (System.nanoTime() - t0) / 1_000_000,
                                      sender.accepted(),
                                      receiver.delivered(),
                                      statusRead));
                    })
                .eventually(() -> receiver.close().compose(x -> client.close()))
                .onComplete(done));
    return done.future();
  }

  /** Sends one run after another until {@code runs} were sent by all lanes together. */
  private Future<Void> lane(TrainingSender sender, HttpClient client, int runs) {
    if (next >= runs) {
      return Future.succeededFuture();
    }
    int n = next++;
    boolean sync = n % SYNC_EVERY == SYNC_EVERY - 1;
    return sender
        .send(sync)
        .compose(
            answer -> {
              if (answer == null || sync) {
                return Future.succeededFuture();
              }
              awaitedWebhooks++;
              String statusUrl = answer.getString("status_url");
              return n % STATUS_EVERY == 0 && statusUrl != null
                  ? status(client, statusUrl)
                  : Future.succeededFuture();
            })
        .compose(x -> lane(sender, client, runs));
  }

  private Future<Void> status(HttpClient client, String path) {
    return client
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(host)
                .setPort(port)
                .setURI(path)
                .putHeader("Authorization", apiKey))
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .map(
            code -> {
              if (code == 200) {
                statusRead++;
              }
              return (Void) null;
            })
        .otherwiseEmpty();
  }
}
