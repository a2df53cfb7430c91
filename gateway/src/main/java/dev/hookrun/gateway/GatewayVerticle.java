package dev.hookrun.gateway;

import dev.hookrun.common.health.HealthRoutes;
import dev.hookrun.common.health.ReadinessCheck;
import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.kafka.TopicSpec;
import dev.hookrun.common.metrics.Meters;
import dev.hookrun.ops.OpsService;
import dev.hookrun.ops.http.OpsRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front door. Stateless apart from its Kafka producer, so any number of gateways can
 * run behind a load balancer; instances in one process share one producer.
 */
public final class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

  private final GatewayConfig config;
  private KafkaProducer<String, String> producer;
  private HttpServer server;
  private ReadinessCheck readiness;

  public GatewayVerticle(GatewayConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    var topics = config.kafka().topics();
    return TopicInitializer.ensure(vertx, config.kafka(), List.of(
            TopicSpec.of(topics.requests(), config.kafka().requestsPartitions(), config.kafka().replicationFactor())))
        .compose(v -> {
          producer = KafkaProducer.createShared(vertx, "hookrun-gateway-" + config.kafka().topicPrefix(),
              KafkaClientProperties.producer(config.kafka(), "hookrun-gateway", config.kafkaSendTimeout()));
          // Send failures are handled per request (503); this only keeps them out of the error log.
          producer.exceptionHandler(e -> LOG.debug("producer: {}", e.toString()));
          var publisher = new RequestPublisher(producer, topics,
              new KafkaAvailability(1_000, System::nanoTime));
          var predict = new PredictHandler(config.apiKeys(),
              new PredictRequestParser(config.maxRunTime()), publisher, Clock.systemUTC());
          Router router = Router.router(vertx);
          router.route("/v3/*").handler(BodyHandler.create(false).setBodyLimit(config.bodyLimitBytes()));
          router.post("/v3/:project/:app/predict")
              .handler(Meters.countPredictAnswers())
              .handler(predict);
          readiness = ReadinessCheck.kafka(config.kafka(), List.of(topics.requests()), "gateway");
          HealthRoutes.mount(router, readiness);
          OpsRoutes.mount(vertx, router, OpsService.create(config.kafka()), config.ops());
          router.errorHandler(413, ctx -> ApiError.of(413, "body_too_large",
              "The request body is larger than " + config.bodyLimitBytes() + " bytes.").send(ctx));
          router.errorHandler(404, ctx -> ApiError.of(404, "not_found", "No such route.").send(ctx));
          router.errorHandler(405, ctx -> ApiError.of(405, "method_not_allowed", "Method not allowed on this route.").send(ctx));
          router.errorHandler(500, ctx -> {
            LOG.error("unhandled error on {}", ctx.request().path(), ctx.failure());
            ApiError.of(500, "internal_error", "Something went wrong on our side.").send(ctx);
          });
          return vertx.createHttpServer().requestHandler(router).listen(config.httpPort(), config.httpHost());
        })
        .onSuccess(s -> {
          server = s;
          LOG.info("gateway listening on {}:{}", config.httpHost(), s.actualPort());
        });
  }

  /** The bound port (useful with HTTP_PORT=0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    if (readiness != null) {
      readiness.close();
    }
    Future<Void> closeServer = server == null ? Future.succeededFuture() : server.close();
    return closeServer.compose(v -> producer == null ? Future.succeededFuture() : producer.close());
  }
}
