package dev.hookrun.gateway;

import dev.hookrun.common.apps.AppCatalog;
import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.run.RunRequest;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /v3/{project}/{app}/predict}: validate, publish durably, then answer. */
final class PredictHandler implements Handler<RoutingContext> {

  static final String WEBHOOK_MESSAGE =
      "Your request is being processed. We will return the result to your webhook.";
  private static final Logger LOG = LoggerFactory.getLogger(PredictHandler.class);

  private final ApiKeys apiKeys;
  private final PredictRequestParser parser;
  private final RequestPublisher publisher;
  private final Clock clock;

  PredictHandler(ApiKeys apiKeys, PredictRequestParser parser, RequestPublisher publisher, Clock clock) {
    this.apiKeys = apiKeys;
    this.parser = parser;
    this.publisher = publisher;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String project = ctx.pathParam("project");
    String app = ctx.pathParam("app");
    ApiError refused = Access.check(apiKeys, ctx, project);
    if (refused != null) {
      refused.send(ctx);
      return;
    }
    if (!AppCatalog.isKnown(app)) {
      ApiError.of(404, "unknown_app", "There is no app named '" + app + "'.").send(ctx);
      return;
    }
    String contentType = ctx.request().getHeader("Content-Type");
    if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
      ApiError.of(415, "unsupported_media_type", "Send the body as application/json.").send(ctx);
      return;
    }
    var outcome = parser.parse(app, ctx.body().buffer());
    if (outcome.error() != null) {
      outcome.error().send(ctx);
      return;
    }
    Instant now = clock.instant();
    RunRequest request = new RunRequest(UUID.randomUUID().toString(), project, app,
        outcome.parsed().input(), outcome.parsed().webhookEndpoint(), now, null);
    publisher.publish(request).onComplete(done -> {
      if (done.failed()) {
        LOG.atWarn().addKeyValue("run_id", request.runId()).addKeyValue("status", "refused")
            .log("run {} refused: Kafka did not acknowledge it: {}", request.runId(), done.cause().toString());
        ApiError.of(503, "kafka_unavailable",
            "The request could not be queued; nothing was accepted. Retry shortly.").send(ctx);
        return;
      }
      LOG.atInfo().addKeyValue("run_id", request.runId()).addKeyValue("status", "queued")
          .addKeyValue("project", project).addKeyValue("app", app)
          .log("run {} queued (project {}, app {})", request.runId(), project, app);
      JsonObject body = new JsonObject()
          .put("run_id", request.runId())
          .put("status", "queued")
          .put("status_url", "/v3/" + project + "/" + app + "/runs/" + request.runId());
      if (request.webhookEndpoint() != null) {
        body.put("message", WEBHOOK_MESSAGE);
      }
      ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json").end(body.encode());
    });
  }
}
