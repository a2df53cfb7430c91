package dev.hookrun.local;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends zero-length runs through the freshly started local platform before it reports ready.
 *
 * <p>A JVM starts interpreted: the first thousand predicts load classes and run cold code in every
 * stage at once, and on two cores a paced 200 req/s saw an accept p99 of 1.8 s in its first 30 s
 * (docs/PERFORMANCE.md). Sending the same path (HTTP, parsing, produce, worker, dispatcher, webhook
 * client) a couple of thousand times first removes that. The runs are real: they are accepted, run
 * and delivered like any other, to a receiver inside this process, so nothing here is a second code
 * path that could drift from the real one.
 */
final class WarmUp {

  private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
  static final String APP = "webhook-delay-example";
  private static final int CONCURRENCY = 16;

  private final Vertx vertx;
  private final String host;
  private final String apiKey;
  private final String project;
  private final boolean webhooks;
  private volatile boolean done;

  /**
   * @param webhooks whether runs name a webhook on this machine (only when the dispatcher may
   *     deliver to loopback; otherwise they wait synchronously, which warms all but delivery)
   */
  WarmUp(Vertx vertx, String host, String apiKey, String project, boolean webhooks) {
    this.vertx = vertx;
    this.host = host;
    this.apiKey = apiKey;
    this.project = project;
    this.webhooks = webhooks;
  }

  /** True once the warm-up ended (finished, failed or timed out): readiness waits for it. */
  boolean done() {
    return done;
  }

  /**
   * Sends {@code runs} runs and waits for their webhooks; never fails (a cold start is no error).
   */
  Future<Void> run(int port, int runs, Duration timeout) {
    if (runs <= 0) {
      done = true;
      return Future.succeededFuture();
    }
    long started = System.nanoTime();
    AtomicInteger delivered = new AtomicInteger();
    AtomicInteger expected = new AtomicInteger(runs); // lowered by the runs not accepted
    Promise<Void> allDelivered = Promise.promise();
    Future<HttpServer> receiver =
        webhooks
            ? vertx
                .createHttpServer()
                .requestHandler(
                    req ->
                        req.end()
                            .onComplete(
                                x -> {
                                  req.response().setStatusCode(200).end();
                                  if (delivered.incrementAndGet() >= expected.get()) {
                                    allDelivered.tryComplete();
                                  }
                                }))
                .listen(0, "127.0.0.1")
            : Future.succeededFuture();
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(CONCURRENCY));
    long timer = vertx.setTimer(timeout.toMillis(), t -> allDelivered.tryFail("timed out"));
    return receiver
        .compose(
            server -> {
              String hook =
                  server == null ? null : "http://127.0.0.1:" + server.actualPort() + "/warm-up";
              AtomicInteger next = new AtomicInteger();
              AtomicInteger failed = new AtomicInteger();
              Promise<Void> sent = Promise.promise();
              AtomicInteger lanes = new AtomicInteger(CONCURRENCY);
              for (int i = 0; i < CONCURRENCY; i++) {
                sendNext(client, port, hook, runs, next, failed, lanes, sent);
              }
              return sent.future()
                  .compose(
                      v -> {
                        expected.set(runs - failed.get());
                        if (hook == null || delivered.get() >= expected.get()) {
                          return Future.<Void>succeededFuture();
                        }
                        return allDelivered.future();
                      })
                  .eventually(() -> server == null ? Future.succeededFuture() : server.close())
                  .onComplete(
                      r ->
                          LOG.info(
                              "warm-up: {} runs in {} ms ({} not accepted, {} webhooks{})",
                              runs,
                              (System.nanoTime() - started) / 1_000_000,
                              failed.get(),
                              delivered.get(),
                              r.failed() ? "; " + r.cause().getMessage() : ""));
            })
        .eventually(client::close)
        .onComplete(
            r -> {
              vertx.cancelTimer(timer);
              done = true;
            })
        .otherwiseEmpty()
        .mapEmpty();
  }

  /** One lane: sends a run, and the next when it is answered, until all runs are sent. */
  private void sendNext(
      HttpClient client,
      int port,
      String hook,
      int runs,
      AtomicInteger next,
      AtomicInteger failed,
      AtomicInteger lanes,
      Promise<Void> sent) {
    if (next.getAndIncrement() >= runs) {
      if (lanes.decrementAndGet() == 0) {
        sent.tryComplete();
      }
      return;
    }
    JsonObject body = new JsonObject().put("delayMins", 0);
    if (hook != null) {
      body.put("webhook_endpoint", hook);
    }
    client
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(host)
                .setPort(port)
                .setURI("/v3/" + project + "/" + APP + "/predict"))
        .compose(
            req ->
                req.putHeader("Authorization", apiKey)
                    .putHeader("Content-Type", "application/json")
                    .send(body.toBuffer()))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onComplete(
            r -> {
              if (r.failed() || r.result() / 100 != 2) {
                failed.incrementAndGet();
              }
              sendNext(client, port, hook, runs, next, failed, lanes, sent);
            });
  }
}
