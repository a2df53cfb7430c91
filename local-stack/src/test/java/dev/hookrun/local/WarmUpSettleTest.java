package dev.hookrun.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The warm-up's settling load follows the JIT: it goes on while the compilers are busy, ends after
 * {@link WarmUp#QUIET_CHECKS} quiet checks in a row or at its cap, and readiness still waits for
 * every accepted run's webhook. A stand-in gateway on loopback answers 202 and posts each run's
 * webhook back, so only the warm-up's own logic is under test here (WarmUpTest runs the real one).
 */
class WarmUpSettleTest {

  private static final int BURST = 50;

  private Vertx vertx;
  private HttpServer gateway;
  private final AtomicInteger predicts = new AtomicInteger();

  @BeforeEach
  void standInGateway() {
    vertx = Vertx.vertx();
    HttpClient hooks = vertx.createHttpClient();
    gateway =
        vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              predicts.incrementAndGet();
                              req.response().setStatusCode(202).end("{}");
                              String hook = new JsonObject(body).getString("webhook_endpoint");
                              hooks
                                  .request(
                                      new RequestOptions()
                                          .setMethod(HttpMethod.POST)
                                          .setAbsoluteURI(hook))
                                  .compose(r -> r.send("{}"));
                            }))
            .listen(0, "127.0.0.1")
            .await();
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void keepsTheLoadWhileTheCompilersAreBusyAndEndsOnceTheyAreQuiet() {
    AtomicInteger checks = new AtomicInteger();
    // the first call resets the measure when settling starts; then busy twice, then quiet
    JitActivity jit = () -> checks.getAndIncrement() <= 2 ? 1.0 : 0.0;
    WarmUp warmUp = warmUp(jit);
    long started = System.nanoTime();

    warmUp.run(gateway.actualPort(), BURST, Duration.ofSeconds(60), Duration.ofSeconds(90)).await();

    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(warmUp.done());
    assertEquals(1 + 2 + WarmUp.QUIET_CHECKS, checks.get(), "ended on the third quiet check");
    assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "ended long before its cap: " + took);
    assertTrue(warmUp.accepted() > BURST, "settling sent runs: " + warmUp.accepted());
    assertEquals(predicts.get(), warmUp.accepted());
  }

  @Test
  void endsAtItsCapWhenTheCompilersNeverGoQuiet() {
    WarmUp warmUp = warmUp(() -> 1.0);
    long started = System.nanoTime();

    warmUp.run(gateway.actualPort(), BURST, Duration.ofSeconds(2), Duration.ofSeconds(60)).await();

    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(warmUp.done());
    assertTrue(took.compareTo(Duration.ofSeconds(2)) >= 0, "ran to its cap: " + took);
    assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "and stopped there: " + took);
    assertTrue(warmUp.accepted() > BURST);
    assertEquals(predicts.get(), warmUp.accepted());
  }

  @Test
  void noSettlingWhenItsCapIsZero() {
    WarmUp warmUp = warmUp(() -> 1.0);
    long started = System.nanoTime();

    warmUp.run(gateway.actualPort(), BURST, Duration.ZERO, Duration.ofSeconds(60)).await();

    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "every webhook came: " + took);
    assertEquals(BURST, warmUp.accepted());
    assertEquals(BURST, predicts.get());
  }

  private WarmUp warmUp(JitActivity jit) {
    return new WarmUp(vertx, "127.0.0.1", "key", "p", jit);
  }
}
