package dev.hookrun.gateway;

import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;
import dev.hookrun.common.run.RunRequest;
import dev.hookrun.common.run.RunStatus;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v3/{project}/{app}/predict}: validate, publish durably, then answer — at once for a
 * webhook, {@code ?async=true} or a run scheduled ahead, or with the result when the run ends
 * within SYNC_TIMEOUT.
 */
final class PredictHandler implements Handler<RoutingContext> {

  static final String WEBHOOK_MESSAGE =
      "Your request is being processed. We will return the result to your webhook.";
  static final String STILL_RUNNING_MESSAGE =
      "The run did not finish within the synchronous wait; poll status_url for its result.";
  private static final Logger LOG = LoggerFactory.getLogger(PredictHandler.class);
  private static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

  private final GatewayConfig config;
  private final PredictRequestParser parser;
  private final RequestPublisher publisher;
  private final RunStateView view;
  private final Clock clock;
  private final ResultLinks links;
  private final RunAdmission admission;
  private final RunRecords records;

  PredictHandler(
      GatewayConfig config,
      RequestPublisher publisher,
      RunStateView view,
      RunAdmission admission,
      Clock clock,
      ResultLinks links,
      RunRecords records) {
    this.links = links;
    this.records = records;
    this.admission = admission;
    this.config = config;
    this.parser =
        new PredictRequestParser(
            config.maxRunTime(),
            config.queueTtl(),
            config.echoMaxBytes(),
            config.kafka().maxScheduleAhead(),
            clock);
    this.publisher = publisher;
    this.view = view;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String project = ctx.pathParam("project");
    String app = ctx.pathParam("app");
    ApiError refused = Access.checkApp(config.apiKeys(), ctx, project, app);
    if (refused != null) {
      refused.send(ctx);
      return;
    }
    String contentType = ctx.request().getHeader("Content-Type");
    if (!MediaType.isJson(contentType)) {
      ApiError.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json.").send(ctx);
      return;
    }
    var outcome = parser.parse(app, ctx.body().buffer());
    if (outcome.error() != null) {
      outcome.error().send(ctx);
      return;
    }
    String idempotencyKey = ctx.request().getHeader("Idempotency-Key");
    if (idempotencyKey != null
        && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_LENGTH)) {
      ApiError.of(
              ErrorCode.INVALID_HEADER,
              "Idempotency-Key must be 1 to 255 characters.",
              "Idempotency-Key")
          .send(ctx);
      return;
    }
    Duration wait;
    try {
      wait = PreferWait.parse(ctx.request().getHeader("Prefer"), config.syncTimeout());
    } catch (IllegalArgumentException e) {
      ApiError.of(ErrorCode.INVALID_HEADER, e.getMessage(), "Prefer").send(ctx);
      return;
    }
    if (!wait.equals(config.syncTimeout())) {
      ctx.response().putHeader("Preference-Applied", "wait=" + wait.toSeconds());
    }
    var parsed = outcome.parsed();
    // a run scheduled ahead is answered at once: no caller waits minutes or days for its start
    boolean async =
        parsed.webhookEndpoint() != null
            || parsed.scheduledFor() != null
            || "true".equalsIgnoreCase(ctx.request().getParam("async"));
    // Every run id derives from a key, a random one when the client sent none: a 503
    // outcome_unknown hands that key back, and a retry with it names the same run. A random key
    // is drawn so that its run lands on a partition that is acknowledging writes.
    String runKey;
    String runId;
    if (idempotencyKey != null) {
      runKey = idempotencyKey;
      runId = runIdFor(project, runKey);
    } else {
      RunIds.Named fresh = publisher.newRun(project);
      runKey = fresh.key();
      runId = fresh.runId();
    }

    // the body as sent, fields in any order; only a keyed request is ever compared
    String requestHash =
        idempotencyKey == null
            ? null
            : RequestFingerprint.of(Json.decodeValue(ctx.body().buffer()));
    RunState existing = idempotencyKey == null ? null : view.get(runId);
    String firstHash = existing == null ? null : records.requestHash(runId);
    if (firstHash != null && !firstHash.equals(requestHash)) {
      JsonReply.send(
          ctx,
          ErrorCode.IDEMPOTENCY_KEY_REUSED.status(),
          IdempotencyConflict.error("run").toJson().put("run_id", runId));
      return;
    }
    if (existing != null) {
      // The same key again (on this gateway or another): the same run, never a second one.
      ctx.response().putHeader("Idempotent-Replayed", "true");
      answer(
          ctx,
          existing,
          async || existing.status() == RunStatus.SCHEDULED,
          parsed.webhookEndpoint() != null,
          wait);
      return;
    }
    if (!admission.admit(ctx, project)) {
      return;
    }
    Instant now = clock.instant();
    RunRequest request =
        new RunRequest(
            runId,
            project,
            app,
            parsed.input(),
            parsed.webhookEndpoint(),
            now,
            // the time-to-live in the queue counts from when the run may start
            (parsed.scheduledFor() != null ? parsed.scheduledFor() : now).plus(parsed.queueTtl()),
            parsed.webhookEvents(),
            parsed.executionTimeout(),
            null,
            parsed.priority(),
            parsed.scheduledFor());
    // Registered before publishing, so an outcome faster than the acknowledgement is not missed.
    Future<RunState> result = async ? null : view.awaitFinal(runId, wait);
    (requestHash == null ? publisher.publish(request) : publisher.publish(request, requestHash))
        .onComplete(
            done -> {
              if (done.failed()) {
                if (result != null) {
                  view.abandonWaiters(runId); // or an outage would pile up SYNC_TIMEOUT-long waits
                }
                LOG.atWarn()
                    .addKeyValue("run_id", runId)
                    .addKeyValue("status", "refused")
                    .log(
                        "run {} refused: Kafka did not acknowledge it: {}",
                        runId,
                        done.cause().toString());
                PublishFailureAnswer.send(
                    ctx, done.cause(), runId, runKey, config.bodyLimitBytes());
                return;
              }
              // one INFO line per run (its outcome, by the worker) is what operators read; this is
              // detail
              LOG.atDebug()
                  .addKeyValue("run_id", runId)
                  .addKeyValue("status", request.scheduledFor() != null ? "scheduled" : "queued")
                  .addKeyValue("project", project)
                  .addKeyValue("app", app)
                  .log("run {} queued (project {}, app {})", runId, project, app);
              // The request record is the queued state for every other gateway; this one sees it at
              // once.
              RunState queued = RunState.queued(request, now);
              if (requestHash != null) {
                records.requestSent(runId, requestHash);
              }
              view.apply(queued);
              if (async) {
                accepted(ctx, queued, request.webhookEndpoint() != null);
              } else {
                result.onComplete(r -> finishSync(ctx, r.result(), queued));
              }
            });
  }

  private void answer(
      RoutingContext ctx, RunState state, boolean async, boolean webhook, Duration wait) {
    if (async || state.status().isFinal()) {
      if (!async) {
        JsonReply.send(ctx, 200, links.syncResult(state, ctx.request()));
      } else {
        accepted(ctx, state, webhook);
      }
      return;
    }
    view.awaitFinal(state.runId(), wait).onComplete(r -> finishSync(ctx, r.result(), state));
  }

  private void finishSync(RoutingContext ctx, RunState finalState, RunState fallback) {
    if (finalState != null) {
      JsonReply.send(ctx, 200, links.syncResult(finalState, ctx.request()));
    } else {
      RunState now = view.get(fallback.runId());
      JsonObject body =
          acceptedBody(now != null ? now : fallback).put("message", STILL_RUNNING_MESSAGE);
      JsonReply.send(ctx, 202, body);
    }
  }

  private void accepted(RoutingContext ctx, RunState state, boolean webhook) {
    StringBuilder body = new StringBuilder(256).append("{\"run_id\":");
    JsonReply.appendString(body, state.runId()).append(",\"status\":");
    JsonReply.appendString(body, state.status().wire()).append(",\"status_url\":");
    JsonReply.appendString(body, RunStatusJson.statusUrl(state));
    if (state.status() == RunStatus.SCHEDULED && state.scheduledFor() != null) {
      JsonReply.appendString(body.append(",\"scheduled_for\":"), state.scheduledFor().toString());
    }
    if (webhook) {
      JsonReply.appendString(body.append(",\"message\":"), WEBHOOK_MESSAGE);
    }
    JsonReply.send(ctx, 202, body.append('}').toString());
  }

  private static JsonObject acceptedBody(RunState state) {
    return new JsonObject()
        .put("run_id", state.runId())
        .put("status", state.status().wire())
        .put("status_url", RunStatusJson.statusUrl(state));
  }

  /** The same project and key always name the same run, on every gateway. */
  static String runIdFor(String project, String idempotencyKey) {
    return RunIds.of(project, idempotencyKey);
  }
}
