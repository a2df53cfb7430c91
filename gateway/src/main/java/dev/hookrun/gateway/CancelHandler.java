package dev.hookrun.gateway;

import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;
import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.CancelCommand;
import dev.hookrun.common.run.RunStatus;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v3/{project}/{app}/runs/{run_id}/cancel}. The command goes to every worker (the one
 * running the run stops it; the one that later takes a queued run skips it). A queued or scheduled
 * run is also marked cancelled at once, so callers need not wait for a worker to reach it; its
 * webhook goes out when a worker takes the request off the queue.
 */
final class CancelHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(CancelHandler.class);

  /** How long the answer waits for the worker to confirm, so most callers see the final state. */
  private static final Duration CONFIRM_WAIT = Duration.ofSeconds(3);

  private final RunLookup lookup;
  private final RunStateView view;
  private final KafkaSender sender;
  private final Topics topics;
  private final Clock clock;
  private final ResultLinks links;

  CancelHandler(
      RunLookup lookup,
      RunStateView view,
      KafkaSender sender,
      Topics topics,
      Clock clock,
      ResultLinks links) {
    this.lookup = lookup;
    this.view = view;
    this.sender = sender;
    this.topics = topics;
    this.clock = clock;
    this.links = links;
  }

  @Override
  public void handle(RoutingContext ctx) {
    RunState state = lookup.find(ctx);
    if (state == null) {
      return;
    }
    if (state.status().isFinal()) {
      ApiError.of(
              ErrorCode.RUN_FINISHED,
              "The run already ended with status " + state.status().wire() + ".")
          .send(ctx);
      return;
    }
    CancelCommand command = new CancelCommand(state.runId(), state.project(), clock.instant());
    sender
        .send(topics.cancels(), state.runId(), command.toJson().encode())
        .onComplete(
            sent -> {
              if (sent.failed()) {
                ApiError.of(
                        ErrorCode.KAFKA_UNAVAILABLE,
                        "The cancel could not be recorded; retry shortly.")
                    .send(ctx);
                return;
              }
              LOG.info("run {} cancel requested", state.runId());
              if (state.status() == RunStatus.QUEUED || state.status() == RunStatus.SCHEDULED) {
                // other gateways fold the same command in from the cancels topic
                view.apply(RunState.cancelledByGateway(state, clock.instant()));
              }
              view.awaitFinal(state.runId(), CONFIRM_WAIT)
                  .onComplete(
                      done -> {
                        RunState now = view.get(state.runId());
                        boolean isFinal = now != null && now.status().isFinal();
                        RunState shown = now != null ? now : state;
                        JsonObject body = links.status(shown, view, ctx.request());
                        if (!isFinal) {
                          body.put(
                              "message",
                              "Cancel requested; the worker holding the run is stopping it.");
                        }
                        JsonReply.send(ctx, isFinal ? 200 : 202, body);
                      });
            });
  }
}
