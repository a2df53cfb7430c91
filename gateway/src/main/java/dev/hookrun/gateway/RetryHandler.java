package dev.hookrun.gateway;

import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;
import dev.hookrun.common.run.RunRequest;
import dev.hookrun.common.run.RunStatus;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v3/{project}/{app}/runs/{run_id}/retry}: a run that ended {@code failed}, {@code
 * expired} or {@code cancelled} runs again as a new run, with the same input, webhook, events and
 * priority. The old run is left as it was; its status names the new one ({@code retried_as}), and
 * the new one's status and webhook name the old one ({@code retry_of}).
 *
 * <p>A retry queues a run like a predict, so it passes the same {@link RunAdmission}. A run is
 * retried once: a run that shows {@code retried_as} answers 409 naming its retry (which may itself
 * be retried). The retry's id derives from the old run's, so retries of one run that race on
 * several gateways, before any sees the others', all name the same new run.
 */
final class RetryHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(RetryHandler.class);

  private final RunLookup lookup;
  private final RunStateView view;
  private final RunAdmission admission;
  private final RequestReader requests;
  private final RequestPublisher publisher;
  private final Clock clock;

  RetryHandler(
      RunLookup lookup,
      RunStateView view,
      RunAdmission admission,
      RequestReader requests,
      RequestPublisher publisher,
      Clock clock) {
    this.lookup = lookup;
    this.view = view;
    this.admission = admission;
    this.requests = requests;
    this.publisher = publisher;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    RunState old = lookup.find(ctx);
    if (old == null) {
      return;
    }
    RunStatus status = old.status();
    if (!old.isSettled() || status == RunStatus.SUCCEEDED) {
      ApiError.of(
              ErrorCode.RUN_NOT_RETRYABLE,
              "Only a run that ended failed, expired or cancelled can be retried; this one is "
                  + status.wire()
                  + ".")
          .send(ctx);
      return;
    }
    String retriedAs = view.retriedAs(old.runId());
    if (retriedAs != null) {
      ApiError.of(
              ErrorCode.RUN_NOT_RETRYABLE,
              "This run was already retried as "
                  + retriedAs
                  + "; a run is retried once (retry "
                  + retriedAs
                  + " if it ends badly too).")
          .send(ctx);
      return;
    }
    if (!admission.admit(ctx, old.project())) {
      return;
    }
    requests
        .read(old.runId(), old.createdAt())
        .onComplete(
            read -> {
              if (read.failed()) {
                LOG.warn(
                    "run {}: its request could not be read back: {}",
                    old.runId(),
                    read.cause().toString());
                ApiError.of(
                        ErrorCode.KAFKA_UNAVAILABLE,
                        "The run's request could not be read from Kafka; nothing was queued. Retry shortly.")
                    .send(ctx);
                return;
              }
              if (read.result() == null) {
                ApiError.of(
                        ErrorCode.RUN_NOT_RETRYABLE,
                        "The run's request is no longer kept, so it cannot run again.")
                    .send(ctx);
                return;
              }
              Instant now = clock.instant();
              RunRequest retry = read.result().retriedAs(retryIdOf(old), now);
              publisher
                  .publish(retry)
                  .onComplete(
                      sent -> {
                        if (sent.failed()) {
                          ApiError.of(
                                  ErrorCode.KAFKA_UNAVAILABLE,
                                  "The retry could not be queued; nothing was accepted. Retry shortly.")
                              .send(ctx);
                          return;
                        }
                        RunState queued = RunState.queued(retry, now);
                        view.apply(queued);
                        view.retried(old.runId(), retry.runId());
                        LOG.info("run {} retried as {}", old.runId(), retry.runId());
                        JsonObject body =
                            new JsonObject()
                                .put("run_id", retry.runId())
                                .put("status", RunStatus.QUEUED.wire())
                                .put("retry_of", old.runId())
                                .put("status_url", RunStatusJson.statusUrl(queued));
                        JsonReply.send(ctx, 202, body);
                      });
            });
  }

  /**
   * The id of {@code old}'s retry, the same on every gateway; no predict's run id is ever one (an
   * Idempotency-Key cannot hold a NUL).
   */
  static String retryIdOf(RunState old) {
    return RunIds.of(old.project(), "retry\u0000" + old.runId());
  }
}
