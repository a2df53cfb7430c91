package dev.hookrun.gateway;

import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;
import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.CancelCommand;
import dev.hookrun.common.run.Priority;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An app's queue: {@code GET /v3/{project}/{app}/queue} (how many runs wait, in which priority
 * lane, how many run, how old the oldest waiting one is, how many are scheduled for later: those
 * are not queued yet) and {@code POST …/queue/purge} (every queued run ends cancelled and never
 * starts; running runs go on). Both from this gateway's view, which every gateway builds alike.
 */
final class QueueHandler {

  private static final Logger LOG = LoggerFactory.getLogger(QueueHandler.class);

  private final GatewayConfig config;
  private final RunStateView view;
  private final KafkaSender sender;
  private final Topics topics;
  private final Clock clock;

  QueueHandler(
      GatewayConfig config, RunStateView view, KafkaSender sender, Topics topics, Clock clock) {
    this.config = config;
    this.view = view;
    this.sender = sender;
    this.topics = topics;
    this.clock = clock;
  }

  void stats(RoutingContext ctx) {
    if (!allowed(ctx)) {
      return;
    }
    AppQueues.QueueStats stats =
        view.queues().queue(ctx.pathParam("project"), ctx.pathParam("app"));
    JsonObject lanes = new JsonObject();
    for (Priority lane : Priority.values()) {
      lanes.put(lane.wire(), stats.queuedByPriority()[lane.ordinal()]);
    }
    JsonReply.send(
        ctx,
        200,
        new JsonObject()
            .put("queued", stats.queued())
            .put("queued_by_priority", lanes)
            .put("running", stats.running())
            .put("oldest_queued_age_s", stats.oldestQueuedAgeSeconds())
            .put("scheduled", stats.scheduled()));
  }

  /**
   * Records a purge command for every queued run (workers skip them when they reach them, and leave
   * a run that already started alone), then shows them cancelled. Answers once every command is in
   * Kafka; a failed send is a 503 and a repeat purges what is still queued.
   */
  void purge(RoutingContext ctx) {
    if (!allowed(ctx)) {
      return;
    }
    List<RunState> queued =
        view.queues().queuedRuns(ctx.pathParam("project"), ctx.pathParam("app"));
    List<Future<Void>> sends = new ArrayList<>(queued.size());
    for (RunState run : queued) {
      CancelCommand command = new CancelCommand(run.runId(), run.project(), clock.instant(), true);
      sends.add(
          sender
              .send(topics.cancels(), run.runId(), command.toJson().encode())
              .onSuccess(
                  v -> {
                    RunState now = view.get(run.runId());
                    if (now != null
                        && !now.status().isFinal()
                        && now.status() == dev.hookrun.common.run.RunStatus.QUEUED) {
                      view.apply(RunState.cancelledByGateway(now, clock.instant()));
                    }
                  }));
    }
    Future.join(sends)
        .onComplete(
            done -> {
              long recorded = sends.stream().filter(Future::succeeded).count();
              LOG.info(
                  "purged {} queued runs of {}/{}",
                  recorded,
                  ctx.pathParam("project"),
                  ctx.pathParam("app"));
              if (recorded < sends.size()) {
                ApiError.of(
                        ErrorCode.KAFKA_UNAVAILABLE,
                        recorded
                            + " of "
                            + sends.size()
                            + " queued runs were cancelled; Kafka did not record the rest. Purge again to cancel them.")
                    .send(ctx);
                return;
              }
              JsonReply.send(ctx, 200, new JsonObject().put("cancelled", recorded));
            });
  }

  private boolean allowed(RoutingContext ctx) {
    String project = ctx.pathParam("project");
    ApiError refused = Access.checkApp(config.apiKeys(), ctx, project, ctx.pathParam("app"));
    if (refused != null) {
      refused.send(ctx);
      return false;
    }
    return true;
  }
}
