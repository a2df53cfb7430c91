package dev.hookrun.gateway;

import dev.hookrun.common.health.HealthRoutes;
import dev.hookrun.common.health.ReadinessCheck;
import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;
import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.PlatformTopics;
import dev.hookrun.common.kafka.TopicFollower;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.metrics.Meters;
import dev.hookrun.gateway.console.ConsoleRoutes;
import dev.hookrun.ops.OpsService;
import dev.hookrun.ops.http.FailedKeyAttempts;
import dev.hookrun.ops.http.OpsRoutes;
import dev.hookrun.ops.metrics.LagSampler;
import dev.hookrun.results.FsResultStore;
import dev.hookrun.results.ResultStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front door. Stateless apart from its Kafka producer, so any number of gateways can run
 * behind a load balancer; instances in one process share one producer.
 *
 * <p>Over 300 lines (as formatted) on purpose: it is the gateway's wiring (start order, routes,
 * stop order), each line a call into a class that holds the logic; split, the start and stop order
 * would no longer read in one place.
 */
public final class GatewayVerticle extends VerticleBase {

  /**
   * How far behind the topics the view may be: a run's status, and a sync predict's answer, show an
   * outcome at most this much later than it was written; in exchange the view costs the broker one
   * fetch per interval instead of one per record (TopicFollower#paced).
   */
  private static final Duration VIEW_PACE = Duration.ofMillis(20);

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

  /** A send takes microseconds unless it waits for metadata; a few threads absorb those waits. */
  private static final int SEND_THREADS = 4;

  private final GatewayConfig config;
  private KafkaProducer<String, String> producer;
  private HttpServer server;
  private HttpServer adminServer;
  private LagSampler lagSampler;
  private OpsService ops;
  private RunStateView view;
  private RunRecords records;
  private BatchView batches;
  private BatchCompletions completions;
  private TopicFollower<RunRecords.Fact> follower;
  private Router router;
  private ConsoleViews consoleViews;
  private OperatorRunActions operatorActions;
  private long sweepTimer = -1;
  private long viewSweepTimer = -1;

  /** Expired runs the view drops per sweep tick (4 a second): well above any creation rate. */
  private static final int VIEW_SWEEP_LIMIT = 5_000;

  private ReadinessCheck readiness;
  private WorkerExecutor sends;
  private Duration deliveryTimeout;
  private ConnectionGuard connections;
  private long idleTimer = -1;
  private ResultStore resultStore;
  private ResultSweeper resultSweeper;
  private final Map<String, BooleanSupplier> readyOnlyWhen = new LinkedHashMap<>();
  private Clock clock = Clock.systemUTC();

  public GatewayVerticle(GatewayConfig config) {
    this.config = config;
  }

  /**
   * Adds a condition to {@code /readyz} from the first moment the gateway listens (e.g. the local
   * run's warm-up); call before deploying.
   */
  public GatewayVerticle readyOnlyWhen(String name, BooleanSupplier check) {
    readyOnlyWhen.put(name, check);
    return this;
  }

  /**
   * The clock every time rule of this gateway reads (run times, expiry, rate limits) instead of the
   * system's; tests drive it. Call before deploying.
   */
  public GatewayVerticle withClock(Clock clock) {
    this.clock = clock;
    return this;
  }

  @Override
  public Future<?> start() {
    var kafka = config.kafka();
    var topics = kafka.topics();
    view =
        new RunStateView(
            vertx,
            kafka.runRetention(),
            config.queueTtl().plus(config.maxRunTime()),
            config.runViewMaxEntries(),
            config.maxSyncWaiters(),
            clock,
            config.scheduling());
    batches = new BatchView(clock);
    view.onChange(batches::changed);
    records = new RunRecords(topics, view, batches);
    consoleViews = new ConsoleViews(view, clock).readiness(() -> readiness);
    view.onNewApp(
        (project, app) ->
            Meters.trackQueue(
                project,
                app,
                () -> view.queuedCount(project, app),
                () -> view.runningCount(project, app)));
    return TopicInitializer.ensure(
            vertx,
            kafka,
            List.of(
                PlatformTopics.requests(kafka),
                PlatformTopics.results(kafka),
                PlatformTopics.deliveries(kafka, kafka.runRetention()),
                PlatformTopics.cancels(kafka, kafka.runRetention()),
                PlatformTopics.batches(kafka)))
        .compose(
            v ->
                DeliveryTimeout.resolve(
                    vertx, kafka, config.kafkaSendTimeout(), config.kafkaDeliveryTimeout()))
        .compose(
            delivery -> {
              deliveryTimeout = delivery;
              return RequestSizeCheck.verify(vertx, kafka, producerProperties());
            })
        // Building an S3 client loads and reads much: not on the event loop.
        .compose(v -> vertx.executeBlocking(() -> ResultStore.create(config.results())))
        .compose(
            store -> {
              resultStore = store;
              producer =
                  KafkaProducer.createShared(
                      vertx, "hookrun-gateway-" + kafka.topicPrefix(), producerProperties());
              // Send failures are handled per request (503); this only keeps them out of the error
              // log.
              producer.exceptionHandler(e -> LOG.debug("producer: {}", e.toString()));
              // A restarted gateway answers only once it has re-read every run within the
              // retention.
              follower =
                  TopicFollower.decoding(
                          context,
                          KafkaClientProperties.reader(kafka, "hookrun-gateway-view"),
                          records.followedTopics(),
                          records::decode,
                          records::apply)
                      // and every run scheduled ahead that may not have started yet
                      .lookBack(kafka.runLookBack())
                      .paced(VIEW_PACE)
                      .values(new RunRecords.SkipRequestValues(topics.requests()));
              // the first predicts must not wait for topic metadata (a cold start's tail): fetch
              // it while the view is being read, before the gateway listens. Best effort: a
              // broker slow to answer within the send's metadata wait only leaves the first
              // predicts to fetch it.
              Future<Void> metadata =
                  vertx
                      .executeBlocking(
                          () -> {
                            producer.unwrap().partitionsFor(topics.requests());
                            producer.unwrap().partitionsFor(topics.cancels());
                            return null;
                          },
                          false)
                      .<Void>mapEmpty()
                      .recover(
                          e -> {
                            LOG.warn(
                                "topic metadata not fetched before listening ({}); the first predicts will wait for it",
                                e.toString());
                            return Future.succeededFuture();
                          });
              return Future.all(follower.start(), metadata).mapEmpty();
            })
        .compose(
            v -> {
              resultSweeper = new ResultSweeper(vertx, resultStore, kafka.runRetention(), clock);
              resultSweeper.start();
              // a few thousand expiries per tick at most: the tick runs on the predict loop
              viewSweepTimer = vertx.setPeriodic(250, t -> view.sweep(VIEW_SWEEP_LIMIT));
              sweepTimer =
                  vertx.setPeriodic(
                      60_000,
                      t -> {
                        view.dropOrphans();
                        records.sweep();
                        batches.sweep(
                            clock.instant(),
                            kafka.runRetention(),
                            config.queueTtl().plus(config.maxRunTime()));
                      });
              connections =
                  new ConnectionGuard(
                      config.httpMaxConnections(),
                      config.httpIdleTimeout(),
                      config.httpHeaderTimeout(),
                      System::nanoTime);
              idleTimer = connections.startSweeping(vertx);
              Router api = buildRouter();
              // the view has caught up: batches that completed meanwhile get their completion
              completions.live();
              // the admin listener first: a gateway that answers predicts can always be watched
              // HTTP/1.1 only there too: a client's h2c upgrade buys a scrape nothing, and a
              // request
              // sent with one was seen left unanswered
              return vertx
                  .createHttpServer(ConnectionGuard.serverOptions())
                  .requestHandler(buildAdminRouter())
                  .listen(config.adminHttpPort(), config.adminHttpHost())
                  .compose(
                      admin -> {
                        adminServer = admin;
                        return vertx
                            .createHttpServer(ConnectionGuard.serverOptions())
                            .connectionHandler(connections::opened)
                            .invalidRequestHandler(new InvalidRequests())
                            .requestHandler(api)
                            .listen(config.httpPort(), config.httpHost());
                      });
            })
        .onSuccess(
            s -> {
              server = s;
              if (!config.ops().lagSampleInterval().isZero()) {
                lagSampler = LagSampler.start(vertx, ops, config.ops().lagSampleInterval());
              }
              LOG.info(
                  "gateway listening on {}:{} ({} runs in view); admin (/ops /metrics) on http://{}:{}",
                  config.httpHost(),
                  s.actualPort(),
                  view.size(),
                  config.adminHttpHost(),
                  adminServer.actualPort());
            });
  }

  /**
   * The admin listener's routes: {@code /ops}, {@code /console}, {@code /metrics} and the probes,
   * on ADMIN_HTTP_HOST:ADMIN_HTTP_PORT only.
   */
  private Router buildAdminRouter() {
    Router admin = Router.router(vertx);
    HealthRoutes.mount(admin, readiness);
    ops = OpsService.create(config.kafka());
    // one wrong-key limiter for /ops and the console's sign-in
    FailedKeyAttempts failedKeys = FailedKeyAttempts.forAdminKey();
    ConsoleRoutes console =
        ConsoleRoutes.mount(
            vertx, admin, ops, config.ops().adminKey(), failedKeys, consoleViews, config.console());
    OpsRoutes.mount(vertx, admin, ops, config.ops(), failedKeys, console::signedIn);
    operatorActions.mount(admin);
    admin.errorHandler(404, ctx -> ApiError.of(ErrorCode.NOT_FOUND, "No such route.").send(ctx));
    admin.errorHandler(
        500,
        ctx -> {
          LOG.error("unhandled error on admin {}", ctx.request().path(), ctx.failure());
          ApiError.of(ErrorCode.INTERNAL_ERROR, "Something went wrong on our side.").send(ctx);
        });
    return admin;
  }

  private Map<String, String> producerProperties() {
    return KafkaClientProperties.producer(
        config.kafka(), "hookrun-gateway", config.kafkaSendTimeout(), deliveryTimeout);
  }

  private Router buildRouter() {
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
    this.router = router;
    return router;
  }

  /** The routes this gateway serves (the OpenAPI test holds the spec against them). */
  public Router routes() {
    return router;
  }

  /** The bound port (useful with HTTP_PORT=0). */
  public int actualPort() {
    return server.actualPort();
  }

  /** The admin listener's bound port (useful with ADMIN_HTTP_PORT=0). */
  public int adminPort() {
    return adminServer.actualPort();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    vertx.cancelTimer(viewSweepTimer);
    vertx.cancelTimer(idleTimer);
    if (lagSampler != null) {
      lagSampler.stop();
    }
    if (resultSweeper != null) {
      resultSweeper.stop();
    }
    if (readiness != null) {
      readiness.close();
    }
    Future<Void> closeServer = server == null ? Future.succeededFuture() : server.close();
    return closeServer
        .eventually(() -> adminServer == null ? Future.succeededFuture() : adminServer.close())
        .eventually(() -> follower == null ? Future.succeededFuture() : follower.stop())
        .eventually(() -> sends == null ? Future.succeededFuture() : sends.close())
        .eventually(() -> producer == null ? Future.succeededFuture() : producer.close())
        .eventually(
            () -> {
              if (resultStore != null) {
                resultStore.close();
              }
              return Future.succeededFuture();
            });
  }
}
