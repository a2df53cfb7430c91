package dev.hookrun.local;

import static dev.hookrun.local.TestStack.PROJECT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.testkit.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A batch through every stage: its items run like any run, and its webhook gets one signed {@code
 * batch.completed} when the last has ended, however many gateways saw it end.
 */
class BatchRunTest {

  private static final String APP = "/v3/" + PROJECT + "/webhook-delay-example";
  private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);

  @RegisterExtension final TestStack stack = new TestStack();
  private final WebhookReceiver receiver = stack.receiver();

  private List<WebhookReceiver.Delivery> batchEvents(String batchId) {
    return receiver.deliveries().stream()
        .filter(d -> batchId.equals(d.body().getString("batch_id")))
        .toList();
  }

  @Test
  void everyItemRunsAndTheBatchWebhookIsSentOnceSignedWhenTheLastEnds() throws Exception {
    var first = stack.gateway();
    var second = stack.gateway(); // two gateways see the batch complete
    stack.dispatcher(stack.dispatcherConfig().withSecrets(Map.of(PROJECT, SECRET)));
    stack.worker("w1");
    JsonArray inputs = new JsonArray();
    for (int i = 0; i < 5; i++) {
      inputs.add(new JsonObject().put("delayMins", 0).put("custom_id", "c" + i));
    }
    var accepted =
        first
            .http()
            .post(
                APP + "/batches",
                new JsonObject()
                    .put("inputs", inputs)
                    .put("webhook_endpoint", receiver.url())
                    .encode());
    assertEquals(202, accepted.status(), () -> accepted.json().encode());
    String batchId = accepted.json().getString("batch_id");
    String url = accepted.json().getString("status_url");

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> second.http().get(url).json().getValue("completed_at") != null);
    JsonObject status = second.http().get(url).json();
    assertEquals(5, status.getJsonObject("counts").getInteger("succeeded"), status::encode);
    JsonObject run = status.getJsonArray("runs").getJsonObject(3);
    assertEquals("c3", run.getString("custom_id"));
    assertEquals("succeeded", run.getString("status"));
    assertEquals(
        "succeeded",
        first.http().get(APP + "/runs/" + run.getString("run_id")).json().getString("status"));

    await().atMost(Duration.ofSeconds(30)).until(() -> batchEvents(batchId).size() == 1);
    // and no second one, from the other gateway or a later attempt
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> batchEvents(batchId).size() == 1);
    WebhookReceiver.Delivery hook = batchEvents(batchId).get(0);
    assertEquals("batch.completed", hook.body().getString("event"));
    assertEquals(5, hook.body().getJsonObject("counts").getInteger("succeeded"));
    assertEquals(batchId, hook.headers().get("webhook-id"));
    String signed =
        hook.headers().get("webhook-id")
            + "."
            + hook.headers().get("webhook-timestamp")
            + "."
            + hook.body().encode();
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(
        new SecretKeySpec(
            Base64.getDecoder().decode(SECRET.substring("whsec_".length())), "HmacSHA256"));
    String expected =
        "v1,"
            + Base64.getEncoder()
                .encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    assertTrue(
        List.of(hook.headers().get("webhook-signature").split(" ")).contains(expected),
        "signed like every webhook");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                "delivered"
                    .equals(
                        first.http().get(url).json().getJsonObject("webhook").getString("status")));
    assertNotNull(first.http().get(url).json().getString("completed_at"));
  }
}
