package dev.hookrun.local;

import static dev.hookrun.local.TestStack.PROJECT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.results.ResultKeys;
import dev.hookrun.results.ResultStoreSettings;
import dev.hookrun.testkit.WebhookReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs of any size: a result larger than RESULT_INLINE_MAX reaches the receiver as a signed
 * {@code result_url} it can fetch without our API key, from either store, and the bytes are the
 * ones the run produced (their SHA-256 matches {@code result_sha256}).
 */
class LargeResultTest {

  private static final String ECHO = "/v3/" + PROJECT + "/echo-example";
  private static final int THREE_MB = 3_000_000;
  private static final String SECRET = "test-result-url-secret";
  private static final String BUCKET = "hookrun-results";

  @TempDir Path dataDir;
  private final HttpClient http = HttpClient.newHttpClient();
  private TestStack stack;
  private Vertx receiverProcess;
  private S3TestServer s3;

  @AfterEach
  void tearDown() throws Exception {
    if (stack != null) {
      stack.close();
    }
    if (receiverProcess != null) {
      receiverProcess.close().await();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void aThreeMegabyteResultIsFetchedThroughTheWebhooksResultUrlFromTheFilesystemStore()
      throws Exception {
    WebhookReceiver receiver = receiver();
    var gateway = withFilesystemStore(new TestStack());
    String gatewayBase = "http://127.0.0.1:" + gateway.verticle().actualPort();

    String runId = predictWithWebhook(gateway, THREE_MB, receiver);
    JsonObject hook = awaitWebhook(receiver, runId);
    assertStoredResult(hook);
    assertTrue(
        hook.getString("result_url").startsWith(gatewayBase + "/results/"),
        hook.getString("result_url"));
    assertFetchedPayload(hook, THREE_MB);

    // The status shows the same result, with a link of its own.
    JsonObject status = gateway.http().get(ECHO + "/runs/" + runId).json();
    assertStoredResult(status);
    assertEquals(hook.getString("result_sha256"), status.getString("result_sha256"));
    assertFetchedPayload(status, THREE_MB);

    // A small result stays inline: no link, no store.
    String small = predictWithWebhook(gateway, 10, receiver);
    JsonObject smallHook = awaitWebhook(receiver, small);
    assertEquals(10, smallHook.getJsonObject("result").getString("payload").length());
    assertFalse(smallHook.containsKey("result_url"), smallHook::encode);
    JsonObject smallStatus = gateway.http().get(ECHO + "/runs/" + small).json();
    assertEquals(10, smallStatus.getJsonObject("result").getString("payload").length());
    assertFalse(smallStatus.containsKey("result_url"), smallStatus::encode);
  }

  @Test
  void anAlteredOrExpiredResultUrlIsRefusedWith403() throws Exception {
    stack = new TestStack();
    var gateway =
        stack.gateway(
            Map.of(
                "DATA_DIR",
                dataDir.toString(),
                "RESULT_URL_SECRET",
                SECRET,
                "RESULT_URL_TTL",
                "5s"));
    stack.worker(
        "w1",
        stack
            .workerConfig("w1")
            .withResults(ResultStoreSettings.defaults().withFilesystem(dataDir, SECRET, null)));

    // A synchronous predict answers with the link too (to this gateway, as the caller reached it).
    var answer = gateway.http().post(ECHO + "/predict", "{\"payloadBytes\": " + THREE_MB + "}");
    assertEquals(200, answer.status(), () -> "answered " + answer.json());
    JsonObject sync = answer.json();
    assertStoredResult(sync);
    String url = sync.getString("result_url");
    assertEquals(200, fetch(url).statusCode());

    String altered = url.replaceFirst("sig=.", "sig=" + (url.contains("sig=A") ? "B" : "A"));
    assertForbidden(fetch(altered), "not valid");
    String later = url.replaceFirst("expires=(\\d+)", "expires=9" + "$1");
    assertForbidden(fetch(later), "not valid");
    String otherKey =
        url.replaceFirst(
            "/results/[^?]+", "/results/" + ResultKeys.key("someone-else", "0".repeat(64)));
    assertForbidden(fetch(otherKey), "not valid");

    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> fetch(url).statusCode() == 403);
    assertForbidden(fetch(url), "expired");
  }

  @Test
  void aThreeMegabyteResultIsFetchedThroughTheWebhooksPresignedUrlFromS3() throws Exception {
    WebhookReceiver receiver = receiver();
    var gateway = withS3Store(new TestStack());
    ResultStoreSettings.S3 bucket = s3.settings(BUCKET);

    String runId = predictWithWebhook(gateway, THREE_MB, receiver);
    JsonObject hook = awaitWebhook(receiver, runId);
    assertStoredResult(hook);
    String url = hook.getString("result_url");
    assertTrue(url.startsWith(bucket.endpoint() + "/" + BUCKET + "/hookrun/results/"), url);
    assertTrue(url.contains("X-Amz-Signature="), url);
    assertFetchedPayload(hook, THREE_MB);
    assertFetchedPayload(gateway.http().get(ECHO + "/runs/" + runId).json(), THREE_MB);

    String altered =
        url.replaceFirst(
            "X-Amz-Signature=.", "X-Amz-Signature=" + (url.contains("Signature=0") ? "1" : "0"));
    assertEquals(403, fetch(altered).statusCode());
  }

  @Test
  void aFileStoredResultIsDeletedOnceItsRunLeavesRetention() throws Exception {
    WebhookReceiver receiver = receiver();
    assertDeletedAfterRetention(
        withFilesystemStore(new TestStack(Duration.ofSeconds(5))), receiver);
  }

  @Test
  void anS3StoredResultIsDeletedOnceItsRunLeavesRetention() throws Exception {
    WebhookReceiver receiver = receiver();
    assertDeletedAfterRetention(withS3Store(new TestStack(Duration.ofSeconds(5))), receiver);
  }

  /** Just over RESULT_INLINE_MAX: stored, fetchable, then gone (404) once RUN_RETENTION passed. */
  private void assertDeletedAfterRetention(TestStack.Gateway gateway, WebhookReceiver receiver)
      throws Exception {
    int justOver = 300_000;
    JsonObject hook = awaitWebhook(receiver, predictWithWebhook(gateway, justOver, receiver));
    assertTrue(hook.getLong("result_bytes") > 262_144, hook::encode);
    HttpResponse<byte[]> first = fetch(hook.getString("result_url"));
    assertEquals(200, first.statusCode());
    assertEquals(hook.getString("result_sha256"), ResultKeys.sha256Hex(first.body()));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> fetch(hook.getString("result_url")).statusCode() == 404);
  }

  /**
   * Deploys on {@code installation} a gateway, a worker and a dispatcher sharing a filesystem store
   * under the test's data folder, its links pointing at that gateway.
   */
  private TestStack.Gateway withFilesystemStore(TestStack installation) {
    stack = installation;
    var gateway =
        stack.gateway(Map.of("DATA_DIR", dataDir.toString(), "RESULT_URL_SECRET", SECRET));
    workerAndDispatcher(
        ResultStoreSettings.defaults()
            .withFilesystem(
                dataDir, SECRET, "http://127.0.0.1:" + gateway.verticle().actualPort()));
    return gateway;
  }

  /**
   * Deploys on {@code installation} a gateway, a worker and a dispatcher sharing a bucket of a new
   * S3 server.
   */
  private TestStack.Gateway withS3Store(TestStack installation) throws Exception {
    s3 = new S3TestServer(BUCKET);
    stack = installation;
    ResultStoreSettings.S3 bucket = s3.settings(BUCKET);
    var gateway = stack.gateway(s3Env(bucket));
    workerAndDispatcher(ResultStoreSettings.defaults().withS3(bucket));
    return gateway;
  }

  private void workerAndDispatcher(ResultStoreSettings results) {
    stack.worker("w1", stack.workerConfig("w1").withResults(results));
    stack.dispatcher(stack.dispatcherConfig().withResults(results));
  }

  private static Map<String, String> s3Env(ResultStoreSettings.S3 bucket) {
    return new HashMap<>(
        Map.of(
            "RESULT_STORE",
            "s3",
            "RESULT_S3_BUCKET",
            bucket.bucket(),
            "RESULT_S3_ENDPOINT",
            bucket.endpoint().toString(),
            "RESULT_S3_PATH_STYLE",
            "true",
            "RESULT_S3_ACCESS_KEY_ID",
            S3TestServer.ACCESS_KEY,
            "RESULT_S3_SECRET_ACCESS_KEY",
            S3TestServer.SECRET_KEY));
  }

  private WebhookReceiver receiver() {
    receiverProcess = Vertx.vertx();
    return new WebhookReceiver(receiverProcess);
  }

  private String predictWithWebhook(
      TestStack.Gateway gateway, int bytes, WebhookReceiver receiver) {
    var accepted =
        gateway
            .http()
            .post(
                ECHO + "/predict",
                "{\"payloadBytes\": "
                    + bytes
                    + ", \"webhook_endpoint\": \""
                    + receiver.url()
                    + "\"}");
    assertEquals(202, accepted.status(), () -> "answered " + accepted.json());
    return accepted.json().getString("run_id");
  }

  private static JsonObject awaitWebhook(WebhookReceiver receiver, String runId) {
    await().atMost(Duration.ofSeconds(60)).until(() -> !receiver.deliveriesFor(runId).isEmpty());
    JsonObject hook = receiver.deliveriesFor(runId).get(0).body();
    assertEquals("succeeded", hook.getString("status"), hook::encode);
    return hook;
  }

  /** What a client sees of a stored result: no inline result, a link, its size and digest. */
  private static void assertStoredResult(JsonObject json) {
    assertEquals("succeeded", json.getString("status"), json::encode);
    assertTrue(json.containsKey("result"), json::encode);
    assertNull(json.getValue("result"));
    assertTrue(json.getLong("result_bytes") > THREE_MB, json::encode);
    assertEquals(64, json.getString("result_sha256").length(), json::encode);
    assertTrue(json.getString("result_url").startsWith("http://127.0.0.1:"), json::encode);
  }

  /** Fetches result_url without any API key and checks the bytes against the description. */
  private void assertFetchedPayload(JsonObject json, int payloadChars) throws Exception {
    HttpResponse<byte[]> response = fetch(json.getString("result_url"));
    assertEquals(200, response.statusCode());
    byte[] body = response.body();
    assertEquals(json.getLong("result_bytes").longValue(), body.length);
    assertEquals(json.getString("result_sha256"), ResultKeys.sha256Hex(body));
    assertEquals(
        payloadChars,
        new JsonObject(new String(body, StandardCharsets.UTF_8)).getString("payload").length());
  }

  private void assertForbidden(HttpResponse<byte[]> response, String messagePart) {
    assertEquals(403, response.statusCode());
    JsonObject error =
        new JsonObject(new String(response.body(), StandardCharsets.UTF_8)).getJsonObject("error");
    assertEquals("forbidden", error.getString("code"));
    assertTrue(error.getString("message").contains(messagePart), error::encode);
    assertNotEquals(null, response.headers().firstValue("Content-Type").orElse(null));
  }

  private HttpResponse<byte[]> fetch(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }
}
