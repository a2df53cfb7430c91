package dev.hookrun.local;

import static dev.hookrun.local.TestStack.PROJECT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.hookrun.testkit.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A run that ended badly runs again as a new run, with the same input and webhook. */
class RetryRunTest {

  private static final String APP = "/v3/" + PROJECT + "/webhook-delay-example";
  @RegisterExtension final TestStack stack = new TestStack();
  private final WebhookReceiver receiver = stack.receiver();

  @Test
  void aFailedRunRetriedRunsAgainAsANewRunWhoseWebhookNamesTheOldOne() {
    var gateway = stack.gateway();
    stack.dispatcher();
    // a worker whose time limit is too short for the run: it fails with a timeout
    var strict =
        stack.worker("strict", stack.workerConfig("strict").withMaxRunTime(Duration.ofSeconds(1)));
    var accepted =
        gateway
            .http()
            .post(
                APP + "/predict",
                "{\"delayMins\": 0.05, \"webhook_endpoint\": \""
                    + receiver.url()
                    + "\", \"note\": \"same input\"}");
    String failed = accepted.json().getString("run_id");
    await().atMost(Duration.ofSeconds(30)).until(() -> !receiver.deliveriesFor(failed).isEmpty());
    assertEquals("failed", receiver.deliveriesFor(failed).get(0).body().getString("status"));
    strict.process().close().await();
    stack.worker("patient");

    var retried = gateway.http().post(APP + "/runs/" + failed + "/retry", "");
    assertEquals(202, retried.status(), () -> retried.json().encode());
    String retry = retried.json().getString("run_id");
    assertNotEquals(failed, retry, "a retry is a new run");
    assertEquals(failed, retried.json().getString("retry_of"));

    await().atMost(Duration.ofSeconds(30)).until(() -> !receiver.deliveriesFor(retry).isEmpty());
    JsonObject hook = receiver.deliveriesFor(retry).get(0).body();
    assertEquals("succeeded", hook.getString("status"));
    assertEquals(failed, hook.getString("retry_of"));
    assertEquals(
        3000, hook.getJsonObject("result").getLong("slept_ms"), 1000, "the same input ran");

    JsonObject old = gateway.http().get(APP + "/runs/" + failed).json();
    assertEquals("failed", old.getString("status"), "the old run is unchanged");
    assertEquals(retry, old.getString("retried_as"));
    assertEquals(failed, gateway.http().get(APP + "/runs/" + retry).json().getString("retry_of"));

    var again = gateway.http().post(APP + "/runs/" + retry + "/retry", "");
    assertEquals(409, again.status(), "a run that succeeded is not retried");
    assertEquals("run_not_retryable", again.json().getJsonObject("error").getString("code"));
  }
}
