package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.testkit.ManualClock;
import dev.hookrun.testkit.SharedTestBroker;
import dev.hookrun.testkit.TestEnv;
import dev.hookrun.testkit.TestHttp;
import dev.hookrun.testkit.TopicReader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a project may queue: RATE_LIMITS (429 rate_limited), MAX_QUEUED_PER_PROJECT (429
 * too_many_runs), and a retry counted like a predict against both and allowed once per run. The
 * gateway's clock stands still unless a test moves it, so a token is due exactly when said.
 */
class AdmissionLimitsTest {

  private static final String RATE_KEY = "rate-" + UUID.randomUUID();
  private static final String SLOW_KEY = "slow-" + UUID.randomUUID();
  private static final String CAP_KEY = "cap-" + UUID.randomUUID();
  private static final String DELAY = "/webhook-delay-example";
  private static final ManualClock CLOCK = new ManualClock(Instant.now());

  private static Vertx vertx;
  private static GatewayConfig config;
  private static int port;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    config =
        GatewayConfig.fromEnv(
            TestEnv.gateway(
                SharedTestBroker.bootstrapServers(),
                "limits-" + UUID.randomUUID() + ".",
                RATE_KEY + "=p-rate," + SLOW_KEY + "=p-slow," + CAP_KEY + "=p-cap",
                Map.of("RATE_LIMITS", "p-rate=1/2,p-slow=0.2/1", "MAX_QUEUED_PER_PROJECT", "3")));
    GatewayVerticle gateway = new GatewayVerticle(config).withClock(CLOCK);
    vertx.deployVerticle(gateway).await();
    port = gateway.actualPort();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static int queuedRecords() {
    return TopicReader.readAll(
            config.kafka().bootstrapServers(), config.kafka().topics().requests())
        .size();
  }

  private static HttpResponse<String> post(String key, String path) {
    return new TestHttp(port, key)
        .postRaw(path, path.endsWith("/predict?async=true") ? "{\"delayMins\": 1}" : "", Map.of());
  }

  private static String predict(String key, String project) {
    var accepted = post(key, "/v3/" + project + DELAY + "/predict?async=true");
    assertEquals(202, accepted.statusCode(), accepted::body);
    return new JsonObject(accepted.body()).getString("run_id");
  }

  private static void cancel(String key, String project, String runId) {
    var cancelled = post(key, "/v3/" + project + DELAY + "/runs/" + runId + "/cancel");
    assertEquals(200, cancelled.statusCode(), cancelled::body);
  }

  private static HttpResponse<String> retry(String key, String project, String runId) {
    return post(key, "/v3/" + project + DELAY + "/runs/" + runId + "/retry");
  }

  private static void assertRefused(
      HttpResponse<String> response, int status, String code, String retryAfter) {
    assertEquals(status, response.statusCode(), response::body);
    JsonObject error = new JsonObject(response.body()).getJsonObject("error");
    assertEquals(code, error.getString("code"));
    assertTrue(error.getString("message").length() > 20, error::encode);
    if (retryAfter != null) {
      assertEquals(retryAfter, response.headers().firstValue("Retry-After").orElse(null));
    }
  }

  @Test
  void overTheRateAPredictIs429RateLimitedQueuesNothingAndIsAdmittedWhenTheTokenIsDue() {
    String path = "/v3/p-rate" + DELAY + "/predict?async=true";
    String a = predict(RATE_KEY, "p-rate");
    String b = predict(RATE_KEY, "p-rate"); // the burst of 2
    int before = queuedRecords();

    var refused = post(RATE_KEY, path);
    assertRefused(refused, 429, "rate_limited", "1");
    assertTrue(
        new JsonObject(refused.body())
            .getJsonObject("error")
            .getString("message")
            .contains("p-rate"));
    assertEquals(before, queuedRecords(), "nothing was queued");

    CLOCK.advance(Duration.ofSeconds(1));
    cancel(RATE_KEY, "p-rate", a); // (under MAX_QUEUED_PER_PROJECT, which is checked first)
    cancel(RATE_KEY, "p-rate", b);
    String c = predict(RATE_KEY, "p-rate");
    assertRefused(post(RATE_KEY, path), 429, "rate_limited", "1");

    // a retry queues a run too, so it draws on the same rate
    cancel(RATE_KEY, "p-rate", c);
    before = queuedRecords();
    assertRefused(retry(RATE_KEY, "p-rate", a), 429, "rate_limited", "1");
    assertEquals(before, queuedRecords(), "nothing was queued");
    CLOCK.advance(Duration.ofSeconds(1));
    assertEquals(202, retry(RATE_KEY, "p-rate", a).statusCode());
  }

  @Test
  void retryAfterSaysWhenTheNextRunIsAdmitted() {
    String path = "/v3/p-slow" + DELAY + "/predict?async=true";
    predict(SLOW_KEY, "p-slow"); // one run every 5 s, burst 1
    assertRefused(post(SLOW_KEY, path), 429, "rate_limited", "5");
    CLOCK.advance(Duration.ofSeconds(3));
    assertRefused(post(SLOW_KEY, path), 429, "rate_limited", "2");
    CLOCK.advance(Duration.ofMillis(1_500));
    assertRefused(post(SLOW_KEY, path), 429, "rate_limited", "1");
    CLOCK.advance(Duration.ofMillis(500));
    predict(SLOW_KEY, "p-slow");
  }

  @Test
  void aRetryCountsAgainstTheUnfinishedRunsCapAndARetriedRunIsNotRetriedAgain() {
    String failed = predict(CAP_KEY, "p-cap");
    cancel(CAP_KEY, "p-cap", failed);
    String b = predict(CAP_KEY, "p-cap");
    predict(CAP_KEY, "p-cap");
    predict(CAP_KEY, "p-cap"); // 3 unfinished: the cap
    int before = queuedRecords();

    assertRefused(retry(CAP_KEY, "p-cap", failed), 429, "too_many_runs", "10");
    assertEquals(before, queuedRecords(), "nothing was queued");

    cancel(CAP_KEY, "p-cap", b);
    var retried = retry(CAP_KEY, "p-cap", failed);
    assertEquals(202, retried.statusCode(), retried::body);
    String retry = new JsonObject(retried.body()).getString("run_id");
    before = queuedRecords();

    var again = retry(CAP_KEY, "p-cap", failed);
    assertRefused(again, 409, "run_not_retryable", null);
    assertTrue(
        new JsonObject(again.body()).getJsonObject("error").getString("message").contains(retry),
        again::body);
    assertEquals(before, queuedRecords(), "no second copy was queued");

    // the retry itself, once it ends badly, may be retried
    cancel(CAP_KEY, "p-cap", retry);
    var ofTheRetry = retry(CAP_KEY, "p-cap", retry);
    assertEquals(202, ofTheRetry.statusCode(), ofTheRetry::body);
    assertEquals(retry, new JsonObject(ofTheRetry.body()).getString("retry_of"));
  }
}
