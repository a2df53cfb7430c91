package dev.hookrun.gateway;

import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;
import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.CancelCommand;
import dev.hookrun.common.run.RunStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET …/batches/{batch_id}} (counts by status, {@code completed_at}, and a page of its runs)
 * and {@code POST …/batches/{batch_id}/cancel} (cancels every item that has not ended). A batch of
 * another project or app is as unknown as one that never existed, as runs are.
 */
final class BatchQueryHandler {

  private static final Logger LOG = LoggerFactory.getLogger(BatchQueryHandler.class);
  static final int DEFAULT_PAGE = 100;
  static final int MAX_PAGE = 1_000;

  private final ApiKeys keys;
  private final BatchView batches;
  private final RunStateView view;
  private final KafkaSender sender;
  private final Topics topics;
  private final Clock clock;

  BatchQueryHandler(
      ApiKeys keys,
      BatchView batches,
      RunStateView view,
      KafkaSender sender,
      Topics topics,
      Clock clock) {
    this.keys = keys;
    this.batches = batches;
    this.view = view;
    this.sender = sender;
    this.topics = topics;
    this.clock = clock;
  }

  void status(RoutingContext ctx) {
    BatchView.Batch batch = find(ctx);
    if (batch == null) {
      return;
    }
    int limit;
    int after;
    try {
      limit = intParam(ctx, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
      after = intParam(ctx, "after", -1, -1, Integer.MAX_VALUE);
    } catch (IllegalArgumentException e) {
      ApiError.of(ErrorCode.INVALID_REQUEST, e.getMessage()).send(ctx);
      return;
    }
    BatchRecord record = batch.record();
    JsonArray runs = new JsonArray();
    BatchView.Page page = batch.page(after, limit);
    for (int index : page.indexes()) {
      RunStatus status = batch.status(index);
      runs.add(
          new JsonObject()
              .put("index", index)
              .put("custom_id", batch.customId(index))
              .put("run_id", batch.runId(index))
              .put("status", status == null ? null : status.wire()));
    }
    JsonObject body =
        new JsonObject()
            .put("batch_id", batch.batchId())
            .put("app", record.app())
            .put("status", batch.complete() ? "completed" : "in_progress")
            .put("count", record.count())
            .put("counts", batch.counts())
            .put("created_at", record.createdAt().toString())
            .put(
                "completed_at", batch.completedAt() == null ? null : batch.completedAt().toString())
            .put("webhook", webhook(batch))
            .put("runs", runs)
            .put("next_after", page.nextAfter());
    JsonReply.send(ctx, 200, body);
  }

  void cancel(RoutingContext ctx) {
    BatchView.Batch batch = find(ctx);
    if (batch == null) {
      return;
    }
    List<RunState> open = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      String runId = batch.runId(i);
      RunState state = runId == null ? null : view.get(runId);
      if (state != null && !state.status().isFinal()) {
        open.add(state);
      }
    }
    List<ProducerRecord<String, String>> commands = new ArrayList<>(open.size());
    for (RunState state : open) {
      CancelCommand command = new CancelCommand(state.runId(), state.project(), clock.instant());
      commands.add(
          new ProducerRecord<>(topics.cancels(), state.runId(), command.toJson().encode()));
    }
    // side by side in chunks, as the batch's items went out: a 10,000-run batch is one answer
    List<Future<Void>> sends = commands.isEmpty() ? List.of() : sender.sendAll(commands);
    Future.join(sends)
        .onComplete(
            done -> {
              int cancelled = 0;
              for (int i = 0; i < open.size(); i++) {
                if (sends.get(i).succeeded()) {
                  cancelled++;
                  RunState now = view.get(open.get(i).runId());
                  if (now != null && now.status() == RunStatus.QUEUED) {
                    // other gateways fold the same commands in from the cancels topic
                    view.apply(RunState.cancelledByGateway(now, clock.instant()));
                  }
                }
              }
              LOG.info(
                  "batch {}: cancel requested for {} of {} runs not ended",
                  batch.batchId(),
                  cancelled,
                  open.size());
              if (cancelled < open.size()) {
                ApiError error =
                    ApiError.of(
                        ErrorCode.KAFKA_UNAVAILABLE,
                        "The cancel of "
                            + (open.size() - cancelled)
                            + " runs could not be recorded; repeat it shortly.");
                JsonReply.send(
                    ctx,
                    error.status(),
                    error.toJson().put("batch_id", batch.batchId()).put("cancelled", cancelled));
                return;
              }
              JsonReply.send(
                  ctx,
                  200,
                  new JsonObject()
                      .put("batch_id", batch.batchId())
                      .put("cancelled", cancelled)
                      .put("counts", batch.counts()));
            });
  }

  private static JsonObject webhook(BatchView.Batch batch) {
    String endpoint = batch.record().webhookEndpoint();
    if (endpoint == null) {
      return null;
    }
    if (batch.webhook() != null) {
      return batch.webhook().toJson();
    }
    return new JsonObject().put("endpoint", endpoint).put("status", "pending").put("attempts", 0);
  }

  /** The batch, or null after answering the error. */
  private BatchView.Batch find(RoutingContext ctx) {
    String project = ctx.pathParam("project");
    ApiError refused = Access.check(keys, ctx, project);
    if (refused != null) {
      refused.send(ctx);
      return null;
    }
    BatchView.Batch batch = batches.get(ctx.pathParam("batch_id"));
    if (batch == null
        || batch.record() == null
        || !batch.record().project().equals(project)
        || !batch.record().app().equals(ctx.pathParam("app"))) {
      ApiError.of(
              ErrorCode.BATCH_NOT_FOUND,
              "There is no batch '"
                  + ctx.pathParam("batch_id")
                  + "' for this app, or it is older than the retention.")
          .send(ctx);
      return null;
    }
    return batch;
  }

  private static int intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new IllegalArgumentException(
        name + " must be a whole number from " + min + " to " + max + "; got '" + raw + "'.");
  }
}
