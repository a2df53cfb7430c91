package dev.hookrun.dispatcher;

import dev.hookrun.common.metrics.Meters;
import dev.hookrun.common.run.RunProgress;
import dev.hookrun.common.run.RunStarted;
import dev.hookrun.common.run.WebhookEvents;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code start} and {@code progress} webhooks a run's {@code webhook_events_filter} asks for.
 *
 * <p>Best effort by design, so they can never delay or endanger the {@code completed} delivery: a
 * couple of quick attempts, no retry tier, no dead letter; dropped when the receiver's host has no
 * free slot or another event of the run is still on its way (the newest progress is what matters,
 * and the next one is at most PROGRESS_MIN_INTERVAL away).
 *
 * <p>Ordering: a run's records reach this dispatcher in order (one partition), so its events are
 * sent before its outcome is read. {@link #beforeCompleted} lets the completed delivery wait for an
 * event still in flight (bounded by the attempts' timeouts), and marks the run so a later event — a
 * replay after a restart — is dropped: a receiver never gets an event after the completed one. Used
 * on the dispatcher's context only.
 */
final class LifecycleEvents {

  static final int ATTEMPTS = 2;
  static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(3);
  private static final long PAUSE_MS = 200;

  private final Vertx vertx;
  private final WebhookSender sender;
  private final DeliveryLedger ledger;
  private final Map<String, Future<Void>> inFlight = new HashMap<>();

  LifecycleEvents(Vertx vertx, WebhookSender sender, DeliveryLedger ledger) {
    this.vertx = vertx;
    this.sender = sender;
    this.ledger = ledger;
  }

  void started(RunStarted run) {
    if (run.webhookEndpoint() != null
        && WebhookEvents.wants(run.webhookEvents(), WebhookEvents.START)) {
      send(
          WebhookEvents.START,
          run.runId(),
          run.runId() + ".start",
          new WebhookSender.Message(
              run.webhookEndpoint(),
              run.project(),
              run.runId() + ".start",
              run.webhookBody().toBuffer()));
    }
  }

  void progress(RunProgress report) {
    if (report.webhookEndpoint() != null
        && WebhookEvents.wants(report.webhookEvents(), WebhookEvents.PROGRESS)) {
      String id = report.runId() + ".progress." + report.seq();
      send(
          WebhookEvents.PROGRESS,
          report.runId(),
          id,
          new WebhookSender.Message(
              report.webhookEndpoint(), report.project(), id, report.webhookBody().toBuffer()));
    }
  }

  /**
   * Completes when no event of the run is on its way any more; call before delivering its outcome.
   */
  Future<Void> beforeCompleted(String runId) {
    Future<Void> pending = inFlight.get(runId);
    return pending == null ? Future.succeededFuture() : pending;
  }

  int inFlight() {
    return inFlight.size();
  }

  private void send(String event, String runId, String webhookId, WebhookSender.Message message) {
    if (ledger.isClaimed(runId)) {
      Meters.lifecycleEvent(event, "dropped"); // its completed delivery exists: never after it
      return;
    }
    if (inFlight.containsKey(runId)) {
      Meters.lifecycleEvent(event, "dropped");
      return;
    }
    Promise<Void> done = Promise.promise();
    inFlight.put(runId, done.future());
    attempt(event, runId, message, 1, done);
    done.future().onComplete(x -> inFlight.remove(runId, done.future()));
  }

  private void attempt(
      String event, String runId, WebhookSender.Message message, int attempt, Promise<Void> done) {
    sender
        .attemptNow(message, ATTEMPT_TIMEOUT)
        .onComplete(
            result -> {
              DeliveryOutcome outcome = result.succeeded() ? result.result() : null;
              if (outcome != null && outcome.kind() == DeliveryOutcome.Kind.DELIVERED) {
                Meters.lifecycleEvent(event, "delivered");
                done.complete();
              } else if (outcome != null && outcome.kind() == DeliveryOutcome.Kind.DEFERRED) {
                Meters.lifecycleEvent(
                    event, "dropped"); // the host is busy: queueing would only make it later
                done.complete();
              } else if (attempt < ATTEMPTS
                  && outcome != null
                  && outcome.kind() == DeliveryOutcome.Kind.RETRY
                  && !ledger.isClaimed(runId)) {
                vertx.setTimer(PAUSE_MS, t -> attempt(event, runId, message, attempt + 1, done));
              } else {
                Meters.lifecycleEvent(event, "failed");
                done.complete();
              }
            });
  }
}
