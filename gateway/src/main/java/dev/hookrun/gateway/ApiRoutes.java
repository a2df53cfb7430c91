package dev.hookrun.gateway;

import dev.hookrun.common.health.HealthRoutes;
import dev.hookrun.common.health.ReadinessCheck;
import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;
import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.metrics.Meters;
import dev.hookrun.results.FsResultStore;
import dev.hookrun.results.ResultStore;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API listener's routes ({@code /v3/…}, {@code /results}, the OpenAPI spec and the probes) and
 * the handlers behind them, wired to one gateway's view, producer and result store. Its own class
 * because what a route does is apart from when the gateway starts and stops; {@link
 * GatewayVerticle} keeps the start and stop order and takes from here what it must close or hand on
 * (the send pool, the batch completions, the operator actions, the readiness check).
 */
final class ApiRoutes {

  /** Under the gateway's name: operators filter its log by that. */
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

  /** A send takes microseconds unless it waits for metadata; a few threads absorb those waits. */
  private static final int SEND_THREADS = 4;

  private final Vertx vertx;
  private final GatewayConfig config;
  private final Clock clock;
  private final RunStateView view;
  private final BatchView batches;
  private final RunRecords records;
  private final ResultStore resultStore;
  private final ConnectionGuard connections;
  private final KafkaProducer<String, String> producer;
  private final Map<String, BooleanSupplier> readyOnlyWhen;

  private WorkerExecutor sends;
  private BatchCompletions completions;
  private OperatorRunActions operatorActions;
  private ReadinessCheck readiness;

  ApiRoutes(
      Vertx vertx,
      GatewayConfig config,
      Clock clock,
      RunStateView view,
      BatchView batches,
      RunRecords records,
      ResultStore resultStore,
      ConnectionGuard connections,
      KafkaProducer<String, String> producer,
      Map<String, BooleanSupplier> readyOnlyWhen) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
    this.view = view;
    this.batches = batches;
    this.records = records;
    this.resultStore = resultStore;
    this.connections = connections;
    this.producer = producer;
    this.readyOnlyWhen = readyOnlyWhen;
  }

  /** Builds the router once; the getters below read what it made. */
  Router build() {
    var topics = config.kafka().topics();
    Duration metadataWait = KafkaClientProperties.metadataWait(config.kafkaSendTimeout());
    sends =
        vertx.createSharedWorkerExecutor(
            "hookrun-gateway-kafka-send",
            SEND_THREADS,
            metadataWait.toMillis() + 1_000,
            TimeUnit.MILLISECONDS);
    var sender =
        new KafkaSender(
            producer.unwrap(),
            sends,
            new KafkaAvailability(1_000, System::nanoTime),
            metadataWait,
            config.kafkaSendTimeout());
    var publisher = new RequestPublisher(sender, topics, config.kafka().requestLimits());
    var lookup = new RunLookup(config.apiKeys(), view);
    var admission =
        new RunAdmission(
            config.maxUnfinishedPerProject(), view, new RateLimiter(config.rateLimits(), clock));
    var links = new ResultLinks(resultStore, config.results().urlTtl());
    Router router = Router.router(vertx);
    router.route().handler(connections::track);
    // The key first: a caller without one gets 401/403 before the gateway reads (and buffers)
    // up to BODY_LIMIT bytes of its body.
    router
        .route("/v3/:project/*")
        .handler(
            ctx -> {
              ApiError refused = Access.check(config.apiKeys(), ctx, ctx.pathParam("project"));
              if (refused != null) {
                refused.send(ctx);
              } else {
                ctx.next();
              }
            });
    // a batch holds many predict bodies: its own limit, before the one every other route has (a
    // body is read once, by the first body handler)
    router
        .post("/v3/:project/:app/batches")
        .handler(BodyHandler.create(false).setBodyLimit(config.batchBodyLimitBytes()));
    router.route("/v3/*").handler(BodyHandler.create(false).setBodyLimit(config.bodyLimitBytes()));
    router
        .post("/v3/:project/:app/predict")
        .handler(Meters.countPredictAnswers())
        .handler(new PredictHandler(config, publisher, view, admission, clock, links, records));
    router.get("/v3/:project/:app/runs/:run_id").handler(new RunStatusHandler(lookup, links));
    completions = new BatchCompletions(vertx, sender, topics, batches, clock);
    router
        .post("/v3/:project/:app/batches")
        .handler(
            new BatchSubmitHandler(config, publisher, sender, view, batches, admission, clock));
    var batchQueries =
        new BatchQueryHandler(config.apiKeys(), batches, view, sender, topics, clock);
    router.get("/v3/:project/:app/batches/:batch_id").handler(batchQueries::status);
    router.post("/v3/:project/:app/batches/:batch_id/cancel").handler(batchQueries::cancel);
    router
        .get("/v3/:project/:app/runs/:run_id/events")
        .handler(
            new RunEventsHandler(lookup, vertx, links, new StreamSlots(config.sseMaxPerKey())));
    router
        .get("/results/:key")
        .handler(new ResultFileHandler(resultStore instanceof FsResultStore fs ? fs : null, clock));
    var requests = new RequestReader(vertx, config.kafka());
    router
        .post("/v3/:project/:app/runs/:run_id/retry")
        .handler(new RetryHandler(lookup, view, admission, requests, publisher, clock));
    var queue = new QueueHandler(config, view, sender, topics, clock);
    router.get("/v3/:project/:app/queue").handler(queue::stats);
    router.post("/v3/:project/:app/queue/purge").handler(queue::purge);
    router
        .post("/v3/:project/:app/runs/:run_id/cancel")
        .handler(new CancelHandler(lookup, view, sender, topics, clock, links));
    var operator = RunLookup.forOperator(view);
    operatorActions =
        new OperatorRunActions(
            new CancelHandler(operator, view, sender, topics, clock, links),
            new RetryHandler(operator, view, admission, requests, publisher, clock));
    router
        .get("/openapi.yaml")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "application/yaml")
                    .sendFile("openapi.yaml"));
    readiness = ReadinessCheck.kafka(config.kafka(), records.followedTopics(), "gateway");
    readyOnlyWhen.forEach(readiness::require);
    // the API port shows the probes only: /ops and /metrics are the admin listener's
    HealthRoutes.mountProbes(router, readiness);
    router.errorHandler(
        413,
        ctx ->
            ApiError.of(
                    ErrorCode.BODY_TOO_LARGE,
                    "The request body is larger than "
                        + (ctx.request().path().endsWith("/batches")
                            ? config.batchBodyLimitBytes() + " bytes (BATCH_BODY_LIMIT)."
                            : config.bodyLimitBytes() + " bytes."))
                .send(ctx));
    // e.g. a path with a malformed escape (GET /v3/%zz): Vert.x Web fails it with 400
    router.errorHandler(
        400,
        ctx ->
            ApiError.of(
                    ErrorCode.INVALID_REQUEST,
                    "The request is not valid (check the path's %-escapes and the headers).")
                .send(ctx));
    router.errorHandler(404, ctx -> ApiError.of(ErrorCode.NOT_FOUND, "No such route.").send(ctx));
    router.errorHandler(
        405,
        ctx ->
            ApiError.of(ErrorCode.METHOD_NOT_ALLOWED, "Method not allowed on this route.")
                .send(ctx));
    router.errorHandler(
        500,
        ctx -> {
          LOG.error("unhandled error on {}", ctx.request().path(), ctx.failure());
          ApiError.of(ErrorCode.INTERNAL_ERROR, "Something went wrong on our side.").send(ctx);
        });
    return router;
  }

  /** The pool the Kafka sends run on: closed when the gateway stops. */
  WorkerExecutor sends() {
    return sends;
  }

  BatchCompletions completions() {
    return completions;
  }

  /** Cancel and retry for an operator, mounted on the admin listener. */
  OperatorRunActions operatorActions() {
    return operatorActions;
  }

  ReadinessCheck readiness() {
    return readiness;
  }
}
