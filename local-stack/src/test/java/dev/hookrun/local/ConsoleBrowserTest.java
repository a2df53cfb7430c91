package dev.hookrun.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.delivery.EndpointState;
import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.kafka.PlatformTopics;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.dispatcher.DispatcherConfig;
import dev.hookrun.dispatcher.DispatcherVerticle;
import dev.hookrun.gateway.GatewayConfig;
import dev.hookrun.gateway.GatewayVerticle;
import dev.hookrun.scheduler.SchedulerConfig;
import dev.hookrun.scheduler.SchedulerVerticle;
import dev.hookrun.testkit.TestHttp;
import dev.hookrun.testkit.WebhookReceiver;
import dev.hookrun.worker.WorkerConfig;
import dev.hookrun.worker.WorkerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The operator's console in a real (headless) Chromium against a real local platform: gateway with
 * ADMIN_KEY, scheduler, worker, dispatcher and a loopback webhook receiver on the in-process
 * broker. Skipped, with a log line and an assumption message, where Chromium is not installed.
 */
class ConsoleBrowserTest {

  private static final String KEY = "test-key-" + UUID.randomUUID();
  private static final String ADMIN = "admin-" + UUID.randomUUID();
  private static final String PROJECT = "p-console";
  private static final String APP = "webhook-delay-example";

  private Vertx vertx;
  private WebhookReceiver receiver;
  private TestHttp api;
  private TestHttp admin;
  private String console;
  private ChromeDriver browser;
  private KafkaSettings kafka;

  @BeforeEach
  void setUp() {
    String missing = ConsoleBrowser.missing();
    Assumptions.assumeTrue(missing == null, missing);
    vertx = Vertx.vertx();
    kafka = KafkaSettings.local(TestKafka.bootstrapServers(), "console-" + UUID.randomUUID() + ".");
    receiver = new WebhookReceiver(vertx);
    vertx
        .deployVerticle(
            new SchedulerVerticle(
                SchedulerConfig.defaults(kafka).withGroupId("scheduler-" + UUID.randomUUID())))
        .await();
    vertx
        .deployVerticle(
            new WorkerVerticle(
                WorkerConfig.defaults(kafka, "w-console")
                    .withGroupId("workers-" + UUID.randomUUID())))
        .await();
    vertx
        .deployVerticle(
            new DispatcherVerticle(
                DispatcherConfig.defaults(kafka)
                    .withGroupId("dispatchers-" + UUID.randomUUID())
                    .withLoopbackAllowed()
                    .withRetrySchedule("300ms")))
        .await();
    GatewayVerticle gateway =
        new GatewayVerticle(
            GatewayConfig.fromEnv(
                TestStack.gatewayEnv(kafka, KEY + "=" + PROJECT, Map.of("ADMIN_KEY", ADMIN))));
    vertx.deployVerticle(gateway).await();
    api = new TestHttp(gateway.actualPort(), KEY);
    admin = new TestHttp(gateway.adminPort(), KEY);
    console = "http://127.0.0.1:" + gateway.adminPort() + "/console";
    browser = ConsoleBrowser.open(1280, 800);
  }

  @AfterEach
  void tearDown() {
    if (browser != null) {
      browser.quit();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  void aWrongKeyIsRefusedTheRightOneSignsInAndSignOutEndsTheSession() {
    browser.get(console);
    ConsoleBrowser.screenshot(browser, "sign-in");
    signIn("not-the-key");
    assertTrue(text("body").contains("Wrong admin key."), text("body"));
    assertNull(browser.manage().getCookieNamed("hookrun_console"));

    signIn(ADMIN);
    await().atMost(Duration.ofSeconds(10)).until(() -> text("#problem-banner").length() > 0);
    assertFalse(browser.getPageSource().contains(ADMIN), "the key is never in the page");
    assertFalse(browser.getCurrentUrl().contains(ADMIN), "nor in a URL");
    Cookie session = browser.manage().getCookieNamed("hookrun_console");
    assertTrue(session.isHttpOnly());
    assertEquals("Strict", session.getSameSite());
    assertTrue(session.getExpiry() != null, "the session cookie expires");
    long minutesLeft =
        Duration.between(java.time.Instant.now(), session.getExpiry().toInstant()).toMinutes();
    assertTrue(
        minutesLeft > 7 * 60 && minutesLeft <= 8 * 60, "CONSOLE_SESSION_TTL: 8h: " + minutesLeft);
    assertEquals(200, admin.send("GET", "/ops/dlq", cookie(session.getValue()), null).status());

    browser.findElement(By.id("sign-out")).click();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !browser.findElements(By.id("key")).isEmpty());
    assertNull(browser.manage().getCookieNamed("hookrun_console"));
    assertEquals(
        401,
        admin.send("GET", "/console/api/overview", cookie(session.getValue()), null).status(),
        "a signed-out session no longer opens anything");
  }

  @Test
  void aRunSubmittedThroughTheApiShowsOnTheOverviewAndItsTimelineShowsEachDeliveryAttempt() {
    AtomicInteger answers = new AtomicInteger();
    receiver.answerWith(() -> answers.incrementAndGet() == 1 ? 500 : 200); // fails once
    signIn(ADMIN);
    String runId = submit();
    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.deliveriesFor(runId).size() == 2);

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertTrue(text("#overview-queues").contains(APP), text("#overview-queues"));
              assertTrue(text("#card-rates").matches("(?s).*[1-9]\\d* in .*"), text("#card-rates"));
              assertTrue(text("#card-worker").contains("1 up"), text("#card-worker"));
              String host = "127.0.0.1:" + java.net.URI.create(receiver.url()).getPort();
              assertTrue(text("#overview-hosts").contains(host), text("#overview-hosts"));
              assertTrue(text("#overview-hosts").contains("50.0 %"), text("#overview-hosts"));
            });
    ConsoleBrowser.screenshot(browser, "overview");

    browser.get(console + "#runs/" + runId);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              browser.navigate().refresh();
              await().atMost(Duration.ofSeconds(10)).until(() -> !text("#run").contains("Reading"));
              String timeline = text("#timeline");
              assertTrue(timeline.contains("accepted"), timeline);
              assertTrue(timeline.contains("succeeded"), timeline);
              String attempts = text("#attempts");
              assertTrue(attempts.contains("500"), attempts);
              assertTrue(attempts.contains("delivered"), attempts);
              assertTrue(
                  attempts.matches("(?s).*\\d+ ms.*"), "each attempt's latency: " + attempts);
            });
    ConsoleBrowser.screenshot(browser, "run");

    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> !browser.findElements(By.id("run-redeliver")).isEmpty());
    browser.findElement(By.id("run-redeliver")).click();
    browser.switchTo().alert().accept();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> text("#run-message").contains("Redelivery queued"));
    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.deliveriesFor(runId).size() == 3);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> text("#timeline").contains("webhook redelivery requested"));

    browser.get(console + "#queues");
    await().atMost(Duration.ofSeconds(10)).until(() -> text("#workers").contains("w-console"));
    ConsoleBrowser.screenshot(browser, "queues");
    browser.get(console + "#topics");
    await().atMost(Duration.ofSeconds(10)).until(() -> text("#topics").contains("requests"));
    browser.findElement(By.xpath("//button[starts-with(., 'Inspect results')]")).click();
    browser.findElement(By.id("peek-key")).sendKeys(runId);
    browser.findElement(By.cssSelector("#peek-form button")).click();
    await().atMost(Duration.ofSeconds(15)).until(() -> text("#peek").contains(runId));
    browser.executeScript("document.getElementById('peek-form').scrollIntoView();");
    ConsoleBrowser.screenshot(browser, "topics");
  }

  @Test
  void aRunListedByProjectIsCancelledAndRetriedFromItsPage() {
    signIn(ADMIN);
    String runId = submit(5); // five minutes: it is still running when cancelled
    browser.get(console + "#runs");
    browser.findElement(By.id("r-project")).sendKeys(PROJECT);
    browser.findElement(By.id("runs-search")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> text("#runs-list").contains(runId));
    ConsoleBrowser.screenshot(browser, "runs");

    browser.findElement(By.linkText(runId)).click();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> !browser.findElements(By.id("run-cancel")).isEmpty());
    browser.findElement(By.id("run-cancel")).click();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> text("#run-message").contains("Cancel recorded"));
    await().atMost(Duration.ofSeconds(15)).until(() -> receiver.deliveriesFor(runId).size() == 1);
    assertEquals(
        "cancelled",
        receiver.deliveriesFor(runId).get(0).body().getString("status"),
        "the run's webhook says it was cancelled");

    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> !browser.findElements(By.id("run-retry")).isEmpty());
    browser.findElement(By.id("run-retry")).click();
    await().atMost(Duration.ofSeconds(15)).until(() -> text("#run-message").contains("Retried as"));
    String retryId = text("#run-message").replaceAll(".*Retried as (\\S+) .*", "$1");
    assertEquals(
        runId,
        api.get("/v3/" + PROJECT + "/" + APP + "/runs/" + retryId).json().getString("retry_of"));
  }

  @Test
  void aDeadLetterReplayedFromTheConsoleReachesTheReceiver() {
    receiver.answerWith(() -> 500); // broken through every attempt
    signIn(ADMIN);
    String runId = submit();
    String unwanted = submit();
    await().atMost(Duration.ofSeconds(30)).until(() -> text("#card-dlq").contains("2"));
    assertTrue(text("#problem-banner").contains("dead letters"), text("#problem-banner"));
    ConsoleBrowser.screenshot(browser, "overview-problem");
    int before = receiver.deliveriesFor(runId).size();
    int unwantedBefore = receiver.deliveriesFor(unwanted).size();
    receiver.answerWith(() -> 200); // fixed

    browser.get(console + "#dlq");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> text("#dlq").contains(runId) && text("#dlq").contains(unwanted));
    browser.findElement(By.cssSelector("input.pick[value='" + runId + "']")).click();
    ConsoleBrowser.screenshot(browser, "dead-letters");
    browser.findElement(By.id("dlq-replay-selected")).click();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> text("#dlq-message").contains("Replayed 1 of 1"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> receiver.deliveriesFor(runId).size() == before + 1);

    // the other one nobody wants: purged, never delivered
    await().atMost(Duration.ofSeconds(15)).until(() -> !text("#dlq").contains(runId));
    browser.findElement(By.id("dlq-purge-matching")).click();
    assertTrue(browser.switchTo().alert().getText().contains("Purge 1 dead letter?"));
    browser.switchTo().alert().accept();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> text("#dlq-message").contains("Purged 1 of 1"));
    await().atMost(Duration.ofSeconds(15)).until(() -> !text("#dlq").contains(unwanted));
    assertEquals(
        0, admin.send("GET", "/ops/dlq", cookie(session()), null).json().getInteger("count"));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> receiver.deliveriesFor(unwanted).size() == unwantedBefore);
  }

  @Test
  void aDisabledEndpointIsNamedOnTheOverviewAndEnabledFromTheEndpointsPage() throws Exception {
    String down = "http://127.0.0.1:9/down";
    TopicInitializer.ensureBlocking(kafka, List.of(PlatformTopics.endpoints(kafka)));
    java.time.Instant t = java.time.Instant.now().minusSeconds(600);
    try (var producer =
        new org.apache.kafka.clients.producer.KafkaProducer<String, String>(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.producer(kafka, "test", Duration.ofSeconds(10))))) {
      EndpointState disabled =
          EndpointState.fresh(down, PROJECT)
              .attempted(PROJECT, true, t)
              .attempted(PROJECT, false, t.plusSeconds(60))
              .attempted(PROJECT, false, t.plusSeconds(120))
              .withLatencyP95(850L)
              .disable(t.plusSeconds(120))
              .writtenBy("dispatcher-test", t.plusSeconds(120));
      producer
          .send(
              new org.apache.kafka.clients.producer.ProducerRecord<>(
                  kafka.topics().endpoints(), down, disabled.toJson().encode()))
          .get();
    }
    signIn(ADMIN);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> text("#problem-banner").contains(down + " is disabled"));
    assertTrue(text("#overview-hosts").contains("127.0.0.1:9"), text("#overview-hosts"));

    browser.get(console + "#endpoints");
    await().atMost(Duration.ofSeconds(15)).until(() -> text("#endpoints").contains(down));
    String row = text("#endpoints");
    assertTrue(row.contains("disabled since"), row);
    assertTrue(row.contains("33.3 %") && row.contains("850 ms"), row);
    ConsoleBrowser.screenshot(browser, "endpoints");
    browser.findElement(By.cssSelector("button.enable[data-endpoint='" + down + "']")).click();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> text("#endpoints-message").contains("Enabled " + down));
    await().atMost(Duration.ofSeconds(15)).until(() -> text("#endpoints").contains("enabled"));
    assertTrue(browser.findElements(By.cssSelector("button.enable")).isEmpty());
  }

  @Test
  void anActionWithoutTheCsrfTokenIsRefused() {
    signIn(ADMIN);
    String session = browser.manage().getCookieNamed("hookrun_console").getValue();
    String csrf = browser.findElement(By.cssSelector("meta[name=csrf]")).getDomAttribute("content");
    String body = new JsonObject().put("run_id", "no-such-run").encode();
    Map<String, String> noToken = withJson(cookie(session));
    assertEquals(401, admin.send("POST", "/ops/dlq/replay", noToken, body).status());
    Map<String, String> wrongToken = new java.util.HashMap<>(noToken);
    wrongToken.put("X-CSRF-Token", "guess");
    assertEquals(401, admin.send("POST", "/ops/dlq/replay", wrongToken, body).status());
    Map<String, String> withToken = new java.util.HashMap<>(noToken);
    withToken.put("X-CSRF-Token", csrf);
    // the token is all it lacked: with it the request gets through to "no such dead letter"
    assertEquals(404, admin.send("POST", "/ops/dlq/replay", withToken, body).status());
    assertEquals(
        403,
        admin
            .send(
                "POST",
                "/console/sign-out",
                Map.of(
                    "Cookie",
                    "hookrun_console=" + session,
                    "Content-Type",
                    "application/x-www-form-urlencoded"),
                "csrf=guess")
            .status());
    assertEquals(200, admin.send("GET", "/console/api/overview", cookie(session), null).status());
  }

  @Test
  void theOverviewFitsAPhone() {
    browser.quit();
    browser = ConsoleBrowser.open(390, 844);
    signIn(ADMIN);
    await().atMost(Duration.ofSeconds(10)).until(() -> text("#card-broker").contains("up"));
    Long scrollWidth = (Long) browser.executeScript("return document.documentElement.scrollWidth;");
    assertTrue(scrollWidth <= 390, "no sideways scrolling on a phone: " + scrollWidth);
    ConsoleBrowser.screenshot(browser, "overview-phone");
  }

  private String session() {
    return browser.manage().getCookieNamed("hookrun_console").getValue();
  }

  private void signIn(String key) {
    browser.get(console);
    WebElement field = browser.findElement(By.id("key"));
    field.sendKeys(key);
    field.submit();
  }

  private String submit() {
    return submit(0);
  }

  private String submit(double delayMins) {
    var accepted =
        api.post(
            "/v3/" + PROJECT + "/" + APP + "/predict",
            new JsonObject()
                .put("delayMins", delayMins)
                .put("webhook_endpoint", receiver.url())
                .encode());
    assertEquals(202, accepted.status());
    return accepted.json().getString("run_id");
  }

  private String text(String css) {
    // the overview redraws every 2 s: an element found may be replaced before it is read
    try {
      List<WebElement> found = browser.findElements(By.cssSelector(css));
      return found.isEmpty() ? "" : found.get(0).getText();
    } catch (org.openqa.selenium.StaleElementReferenceException redrawn) {
      return "";
    }
  }

  private static Map<String, String> cookie(String session) {
    return Map.of("Cookie", "hookrun_console=" + session);
  }

  private static Map<String, String> withJson(Map<String, String> headers) {
    Map<String, String> all = new java.util.HashMap<>(headers);
    all.put("Content-Type", "application/json");
    return all;
  }
}
