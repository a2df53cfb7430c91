package dev.hookrun.gateway;

import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;
import dev.hookrun.common.run.RunRequest;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v3/{project}/{app}/batches}: validates every input (one bad input rejects the batch,
 * nothing is queued), then publishes the batch's record and every item's request side by side
 * through the gateway's one producer path, and answers 202 only once Kafka has all of them.
 *
 * <p>The batch id derives from the Idempotency-Key (a random one when none was sent) and each
 * item's run id from the batch id and its index, so a repeat names the same batch and runs: one
 * this gateway already sees whole is answered as before; one it sees in part (an earlier attempt
 * failed half-way) publishes what is missing.
 */
final class BatchSubmitHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(BatchSubmitHandler.class);
  private static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

  private final GatewayConfig config;
  private final BatchRequestParser parser;
  private final RequestPublisher publisher;
  private final KafkaSender sender;
  private final RunStateView view;
  private final BatchView batches;
  private final RunAdmission admission;
  private final Clock clock;

  BatchSubmitHandler(
      GatewayConfig config,
      RequestPublisher publisher,
      KafkaSender sender,
      RunStateView view,
      BatchView batches,
      RunAdmission admission,
      Clock clock) {
    this.config = config;
    this.parser =
        new BatchRequestParser(
            new PredictRequestParser(
                config.maxRunTime(),
                config.queueTtl(),
                config.echoMaxBytes(),
                config.kafka().maxScheduleAhead(),
                clock),
            config.batchMaxItems(),
            config.bodyLimitBytes());
    this.publisher = publisher;
    this.sender = sender;
    this.view = view;
    this.batches = batches;
    this.admission = admission;
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
    BatchRequestParser.Outcome outcome;
    if (MediaType.isJson(contentType)) {
      outcome = parser.parseJson(app, ctx.body().buffer());
    } else if (MediaType.isNdjson(contentType)) {
      outcome = parser.parseNdjson(app, ctx.body().buffer(), ctx.queryParams());
    } else {
      ApiError.of(
              ErrorCode.UNSUPPORTED_MEDIA_TYPE,
              "Send the batch as application/json ({\"inputs\": […]}) or application/x-ndjson (one"
                  + " input a line).")
          .send(ctx);
      return;
    }
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
    String key = idempotencyKey != null ? idempotencyKey : UUID.randomUUID().toString();
    String batchId = BatchRecord.idFor(project, key);
    BatchRequestParser.Batch batch = outcome.batch();
    BatchView.Batch known = idempotencyKey == null ? null : batches.get(batchId);
    if (known != null
        && known.record() != null
        && known.record().requestHash() != null
        && !known.record().requestHash().equals(batch.fingerprint())) {
      JsonReply.send(
          ctx,
          ErrorCode.IDEMPOTENCY_KEY_REUSED.status(),
          IdempotencyConflict.error("batch").toJson().put("batch_id", batchId));
      return;
    }
    if (known != null && known.record() != null && known.seen() == known.record().count()) {
      ctx.response().putHeader("Idempotent-Replayed", "true");
      accepted(ctx, known.record());
      return;
    }
    if (known == null && !admission.admitBatch(ctx, project, batch.items().size())) {
      return;
    }
    Instant now = clock.instant();
    BatchRecord record =
        known != null && known.record() != null
            ? known.record()
            : new BatchRecord(
                batchId,
                project,
                app,
                batch.items().size(),
                batch.webhookEndpoint(),
                batch.webhookEvents(),
                now,
                batch.fingerprint());
    publish(ctx, record, batch, key, now);
  }

  private void publish(
      RoutingContext ctx,
      BatchRecord record,
      BatchRequestParser.Batch batch,
      String key,
      Instant now) {
    List<ProducerRecord<String, String>> records = new ArrayList<>(batch.items().size() + 1);
    records.add(new ProducerRecord<>(topicOf(), record.batchId(), record.toJson().encode()));
    List<RunRequest> requests = new ArrayList<>(batch.items().size());
    List<RunRecords.BatchItem> items = new ArrayList<>(batch.items().size());
    for (int i = 0; i < batch.items().size(); i++) {
      BatchRequestParser.Item item = batch.items().get(i);
      var parsed = item.parsed();
      String runId = BatchRecord.runIdOf(record.project(), record.batchId(), i);
      RunRequest request =
          new RunRequest(
              runId,
              record.project(),
              record.app(),
              parsed.input(),
              parsed.webhookEndpoint(),
              now,
              // as for a predict: the time-to-live in the queue counts from when it may start
              (parsed.scheduledFor() != null ? parsed.scheduledFor() : now).plus(parsed.queueTtl()),
              parsed.webhookEvents(),
              parsed.executionTimeout(),
              null,
              parsed.priority(),
              parsed.scheduledFor());
      var member = new RunRecords.BatchItem(record.batchId(), i, item.customId());
      requests.add(request);
      items.add(member);
      if (view.get(runId) == null) { // a repeat: only what an earlier attempt did not queue
        try {
          records.add(publisher.record(request, member));
        } catch (SendFailure tooLarge) {
          // checked before anything is sent: one item too large to queue rejects the batch
          ApiError.of(
                  ErrorCode.BODY_TOO_LARGE,
                  "inputs["
                      + i
                      + "] is too large to queue (an input may be at most "
                      + config.bodyLimitBytes()
                      + " bytes, and its queued request a little more).",
                  "inputs[" + i + "]")
              .send(ctx);
          return;
        }
      }
    }
    // side by side, through the one producer: the 202 waits for the slowest
    List<Future<Void>> sends = sender.sendAll(records);
    Future.join(sends)
        .onComplete(
            done -> {
              Throwable failure = firstFailure(sends);
              if (failure != null) {
                answerFailure(ctx, failure, sends, record.batchId(), key);
                return;
              }
              batches.described(record);
              for (int i = 0; i < requests.size(); i++) {
                RunRequest request = requests.get(i);
                RunRecords.BatchItem item = items.get(i);
                // as the request records will say to every gateway; this one sees them at once
                batches.member(
                    item.batchId(),
                    item.index(),
                    request.runId(),
                    item.customId(),
                    view.get(request.runId()));
                if (view.get(request.runId()) == null) {
                  view.apply(RunState.queued(request, now));
                }
              }
              LOG.info(
                  "batch {} queued: {} runs (project {}, app {})",
                  record.batchId(),
                  record.count(),
                  record.project(),
                  record.app());
              accepted(ctx, record);
            });
  }

  private String topicOf() {
    return config.kafka().topics().batches();
  }

  private static Throwable firstFailure(List<Future<Void>> sends) {
    for (Future<Void> send : sends) {
      if (send.failed()) {
        return send.cause();
      }
    }
    return null;
  }

  /**
   * A batch not wholly acknowledged: if nothing of it was, the usual answer for the failure (a 503
   * {@code kafka_unavailable} still promises nothing was queued); if part was, 503 {@code
   * outcome_unknown} with the batch id and the key whose repeat queues the rest.
   */
  private void answerFailure(
      RoutingContext ctx, Throwable failure, List<Future<Void>> sends, String batchId, String key) {
    boolean partly = sends.stream().anyMatch(Future::succeeded);
    LOG.warn(
        "batch {} refused ({} of {} records acknowledged): {}",
        batchId,
        sends.stream().filter(Future::succeeded).count(),
        sends.size(),
        failure.toString());
    ApiError error =
        partly
            ? ApiError.of(
                ErrorCode.OUTCOME_UNKNOWN,
                "Kafka took part of the batch only. Repeat it with the Idempotency-Key given here;"
                    + " the repeat queues the rest and returns the one batch.")
            : PublishFailureAnswer.error(failure, config.bodyLimitBytes());
    if (error.status() == 503) {
      ctx.response().putHeader("Retry-After", "1");
    }
    JsonObject body = error.toJson();
    if (partly || error.status() == 503) {
      body.put("batch_id", batchId).put("idempotency_key", key);
    }
    JsonReply.send(ctx, error.status(), body);
  }

  private static void accepted(RoutingContext ctx, BatchRecord record) {
    JsonReply.send(
        ctx,
        202,
        new JsonObject()
            .put("batch_id", record.batchId())
            .put("count", record.count())
            .put("status", "queued")
            .put("status_url", statusUrl(record)));
  }

  static String statusUrl(BatchRecord record) {
    return "/v3/" + record.project() + "/" + record.app() + "/batches/" + record.batchId();
  }
}
