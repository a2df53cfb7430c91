package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hookrun.common.run.Priority;
import dev.hookrun.common.run.RunRequest;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunStarted;
import dev.hookrun.common.run.RunStatus;
import dev.hookrun.common.run.WebhookState;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunStateMergeTest {

  private final Instant t0 = Instant.parse("2026-11-26T10:00:00Z");
  private final RunRequest request =
      new RunRequest("r1", "p", "app", new JsonObject(), "https://h/x", t0, null);

  private RunResult result(RunStatus status, String worker) {
    return RunResult.of(
        request, status, new JsonObject().put("ok", true), null, t0, t0.plusSeconds(5), worker);
  }

  @Test
  void aFinalStateIsNeverReplacedByARunningOne() {
    RunState done = RunState.finished(result(RunStatus.SUCCEEDED, "w1"), t0.plusSeconds(5));
    RunState lateRunning = RunState.running(RunStarted.of(request, "w2", t0.plusSeconds(6)));
    assertEquals(RunStatus.SUCCEEDED, RunState.merge(done, lateRunning).status());
  }

  @Test
  void progressMovesForward() {
    RunState queued = RunState.queued(request, t0);
    RunState running =
        RunState.merge(queued, RunState.running(RunStarted.of(request, "w1", t0.plusSeconds(1))));
    assertEquals(RunStatus.RUNNING, running.status());
    assertEquals(RunStatus.RUNNING, RunState.merge(running, queued).status());
  }

  @Test
  void aWorkersOutcomeReplacesAGatewayCancelButNotAnotherWorkersOutcome() {
    RunState cancelled =
        RunState.cancelledByGateway(RunState.queued(request, t0), t0.plusSeconds(1));
    RunState succeeded = RunState.finished(result(RunStatus.SUCCEEDED, "w1"), t0.plusSeconds(2));
    assertEquals(RunStatus.SUCCEEDED, RunState.merge(cancelled, succeeded).status());
    RunState duplicate = RunState.finished(result(RunStatus.FAILED, "w2"), t0.plusSeconds(3));
    assertEquals("w1", RunState.merge(succeeded, duplicate).workerId());
  }

  @Test
  void webhookProgressOnlyMovesForward() {
    RunState done = RunState.finished(result(RunStatus.SUCCEEDED, "w1"), t0);
    RunState attempt2 =
        done.withWebhook(
            new WebhookState("https://h/x", WebhookState.PENDING, 2, 500, t0, "HTTP 500"),
            "dispatcher",
            t0);
    RunState delivered =
        done.withWebhook(
            new WebhookState("https://h/x", WebhookState.DELIVERED, 3, 200, null, null),
            "dispatcher",
            t0);
    RunState merged = RunState.merge(RunState.merge(attempt2, delivered), attempt2);
    assertEquals(WebhookState.DELIVERED, merged.webhook().status());
    assertEquals(3, merged.webhook().attempts());
    // a worker's late duplicate outcome does not reset the delivery
    assertEquals(WebhookState.DELIVERED, RunState.merge(merged, done).webhook().status());
  }

  @Test
  void aReplayedDeadLetterShowsPendingAgainThenDelivered() {
    RunState done = RunState.finished(result(RunStatus.SUCCEEDED, "w1"), t0);
    RunState failed =
        done.withWebhook(
            new WebhookState("https://h/x", WebhookState.FAILED, 2, 500, null, "HTTP 500"),
            "dispatcher",
            t0);
    RunState retrying =
        done.withWebhook(
            new WebhookState("https://h/x", WebhookState.PENDING, 3, 500, t0, "HTTP 500"),
            "dispatcher",
            t0);
    RunState delivered =
        done.withWebhook(
            new WebhookState("https://h/x", WebhookState.DELIVERED, 3, 200, null, null),
            "dispatcher",
            t0);
    RunState merged = RunState.merge(failed, retrying);
    assertEquals(WebhookState.PENDING, merged.webhook().status());
    assertEquals(WebhookState.DELIVERED, RunState.merge(merged, delivered).webhook().status());
  }

  @Test
  void thePriorityOfTheRequestOutlivesTheWorkersFacts() {
    RunRequest low =
        new RunRequest(
            "r2", "p", "app", new JsonObject(), null, t0, null, null, null, null, Priority.LOW);
    RunState queued = RunState.queued(low, t0);
    RunState running =
        RunState.merge(queued, RunState.running(RunStarted.of(low, "w1", t0.plusSeconds(1))));
    RunResult outcome =
        RunResult.of(low, RunStatus.SUCCEEDED, new JsonObject(), null, t0, t0.plusSeconds(2), "w1");
    RunState done = RunState.merge(running, RunState.finished(outcome, t0.plusSeconds(2)));
    assertEquals(RunStatus.SUCCEEDED, done.status());
    assertEquals(Priority.LOW, done.priority());
  }

  @Test
  void aRequestReadAfterItsOutcomeStillGivesThePriority() {
    RunState done = RunState.finished(result(RunStatus.SUCCEEDED, "w1"), t0.plusSeconds(5));
    assertNull(done.priority(), "an outcome does not carry it");
    RunState queued = RunState.queued("r1", "p", "app", t0, null, Priority.HIGH);
    RunState merged = RunState.merge(done, queued);
    assertEquals(RunStatus.SUCCEEDED, merged.status());
    assertEquals(Priority.HIGH, merged.priority());
  }
}
