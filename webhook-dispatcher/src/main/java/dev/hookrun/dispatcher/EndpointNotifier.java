package dev.hookrun.dispatcher;

import dev.hookrun.common.delivery.EndpointState;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the project's {@code WEBHOOK_NOTIFY_URL} that one of its endpoints was disabled: one {@code
 * endpoint.disabled} event, signed like its webhooks (the project's secret, Standard Webhooks
 * headers), a few quick attempts and no retry tier: the disable itself is a record on the endpoints
 * topic, and {@code GET /ops/endpoints} shows it whatever becomes of the event.
 */
final class EndpointNotifier {

  static final String EVENT = "endpoint.disabled";
  static final int ATTEMPTS = 3;
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final long PAUSE_MS = 500;
  private static final Logger LOG = LoggerFactory.getLogger(EndpointNotifier.class);

  private final Vertx vertx;
  private final WebhookSender sender;
  private final NotifyUrls urls;

  EndpointNotifier(Vertx vertx, WebhookSender sender, NotifyUrls urls) {
    this.vertx = vertx;
    this.sender = sender;
    this.urls = urls;
  }

  void disabled(EndpointState state) {
    String url = urls.forProject(state.project());
    if (url == null) {
      LOG.info(
          "endpoint {} disabled; project {} has no notify URL", state.endpoint(), state.project());
      return;
    }
    JsonObject event =
        new JsonObject()
            .put("event", EVENT)
            .put("endpoint", state.endpoint())
            .put("project", state.project())
            .put("disabled_at", state.disabledAt().toString())
            .put("consecutive_failures", state.consecutiveFailures())
            .put(
                "last_success",
                state.lastSuccessAt() == null ? null : state.lastSuccessAt().toString());
    // one id per disable: a receiver that gets it twice (a retried attempt) can tell
    String id =
        EVENT
            + "."
            + Integer.toHexString(state.endpoint().hashCode())
            + "."
            + state.disabledAt().toEpochMilli();
    send(new WebhookSender.Message(url, state.project(), id, event.toBuffer()), 1);
  }

  private void send(WebhookSender.Message message, int attempt) {
    sender
        .attemptNow(message, TIMEOUT)
        .onComplete(
            done -> {
              if (done.succeeded() && done.result().delivered()) {
                LOG.info("{} {} sent to the project's notify URL", EVENT, message.webhookId());
              } else if (attempt < ATTEMPTS) {
                vertx.setTimer(PAUSE_MS * attempt, t -> send(message, attempt + 1));
              } else {
                LOG.warn(
                    "{} {} not delivered to the project's notify URL after {} attempts: {}",
                    EVENT,
                    message.webhookId(),
                    ATTEMPTS,
                    done.succeeded() ? done.result().error() : done.cause().toString());
              }
            });
  }
}
