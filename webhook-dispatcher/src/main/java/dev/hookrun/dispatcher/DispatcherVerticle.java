package dev.hookrun.dispatcher;

import dev.hookrun.common.delivery.EndpointState;
import dev.hookrun.common.health.HealthServer;
import dev.hookrun.common.health.ReadinessCheck;
import dev.hookrun.common.kafka.ConsumerLoop;
import dev.hookrun.common.kafka.DurableProducer;
import dev.hookrun.common.kafka.EventLoopProducer;
import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.PlatformTopics;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.kafka.TopicSpec;
import dev.hookrun.results.ResultStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.TrustOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One webhook dispatcher: a member of the dispatchers' group on the results topic (first attempts)
 * and of their retry group on the retry tiers (later attempts), sharing one bound on attempts in
 * progress, one HTTP client and one producer.
 *
 * <p>Over 300 lines (as formatted) on purpose: it is the dispatcher's wiring (ledger, consumers,
 * sender, health) in start and stop order; the logic lives in the classes it builds.
 */
public final class DispatcherVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(DispatcherVerticle.class);
  private static final AtomicInteger INSTANCE = new AtomicInteger();
  private static final int DNS_THREADS = 8;
  // renewing a stored result is one store request (an S3 copy inside the bucket) per attempt of a
  // run with a stored result: a pool of its own keeps them off Vert.x's shared worker threads
  private static final int RESULT_STORE_THREADS = 8;

  private final DispatcherConfig config;
  private final Resolver resolverOverride;
  private final TrustOptions trustOverride;
  private final DispatcherMetrics metrics = new DispatcherMetrics();
  private final Clock clock = Clock.systemUTC();
  private ConsumerLoop resultsLoop;
  private ConsumerLoop retryLoop;
  private DeliveryLedger ledger;
  private EndpointHealth endpoints;
  private DurableProducer durable;
  private KafkaProducer<String, String> producer;
  private HttpClient client;
  private WorkerExecutor dns;
  private WorkerExecutor resultPool;
  private long sweepTimer = -1;
  private HealthServer health;
  private ResultStore resultStore;

  public DispatcherVerticle(DispatcherConfig config) {
    this(config, null);
  }

  /** With a resolver of the caller's (tests map made-up names to chosen addresses). */
  DispatcherVerticle(DispatcherConfig config, Resolver resolver) {
    this(config, resolver, null);
  }

  /** Trusting the caller's certificates for https webhooks (a test's own) instead of the JDK's. */
  DispatcherVerticle(DispatcherConfig config, Resolver resolver, TrustOptions trust) {
    this.config = config;
    this.resolverOverride = resolver;
    this.trustOverride = trust;
  }

  @Override
  public Future<?> start() {
    var kafka = config.kafka();
    var topics = kafka.topics();
    String name = "dispatcher-" + INSTANCE.incrementAndGet();
    List<TopicSpec> specs =
        new ArrayList<>(
            List.of(
                PlatformTopics.results(kafka),
                PlatformTopics.deliveries(kafka, kafka.runRetention()),
                PlatformTopics.deadLetters(kafka),
                PlatformTopics.endpoints(kafka)));
    List<String> tiers = new ArrayList<>();
    for (int n = 1; n <= config.retrySchedule().retries(); n++) {
      specs.add(PlatformTopics.retryTier(kafka, n));
      tiers.add(topics.retryTier(n));
    }
    ledger = new DeliveryLedger(kafka, name + "-ledger");
    List<String> written = new ArrayList<>(tiers);
    written.addAll(List.of(topics.deliveries(), topics.deadLetters(), topics.endpoints()));
    return TopicInitializer.ensure(vertx, kafka, specs)
        .compose(v -> ledger.start(context))
        .compose(v -> EventLoopProducer.open(vertx, kafka, name, written, config.recordLinger()))
        .onSuccess(p -> producer = p)
        // Building an S3 client loads and reads much: not on the event loop.
        .compose(v -> vertx.executeBlocking(() -> ResultStore.create(config.results())))
        .compose(
            store -> {
              resultStore = store;
              return Future.succeededFuture();
            })
        .compose(
            v -> {
              durable =
                  DurableProducer.direct(context, producer)
                      .onRetry(
                          (record, error) -> {
                            if (record.topic().equals(topics.deliveries())) {
                              metrics.countStateSendFailed();
                            }
                          });
              WebhookSender sender = newSender();
              BiConsumer<Long, Runnable> timers =
                  (delayMs, action) -> vertx.setTimer(delayMs, t -> action.run());
              EndpointNotifier notifier = new EndpointNotifier(vertx, sender, config.notifyUrls());
              endpoints =
                  new EndpointHealth(
                      kafka, name, config.endpointDisableAfter(), clock, notifier::disabled);
              resultPool =
                  vertx.createSharedWorkerExecutor("hookrun-result-renewal", RESULT_STORE_THREADS);
              DeliveryService service =
                  new DeliveryService(
                      sender,
                      config.retrySchedule(),
                      durable,
                      ledger,
                      topics,
                      metrics,
                      clock,
                      config.maxInflight(),
                      new ProjectShares(
                          ProjectShares.perProject(config.maxInflight(), config.projectShare()),
                          config.maxInflight()),
                      new StoredResults(resultStore, resultPool, metrics),
                      new EndpointGate(
                          endpoints,
                          new EndpointRate(
                              config.endpointRate(), config.hostStall(), System::nanoTime),
                          timers),
                      timers);

              // a batch is taken whole, so one batch may overshoot the bound by at most its size
              int batch = Math.min(500, config.maxInflight());
              ResultsConsumer results =
                  new ResultsConsumer(
                      vertx,
                      service,
                      ledger,
                      metrics,
                      clock,
                      new LifecycleEvents(vertx, sender, ledger));
              resultsLoop =
                  new ConsumerLoop(
                          context,
                          KafkaClientProperties.consumer(
                              kafka, config.groupId(), name, Duration.ofMinutes(5), batch),
                          List.of(topics.results()),
                          results,
                          name)
                      .sampleLag(kafka.lagSampleInterval());

              RetryTierConsumer retries = new RetryTierConsumer(vertx, service, clock);
              retryLoop =
                  new ConsumerLoop(
                          context,
                          KafkaClientProperties.consumer(
                              kafka,
                              config.groupId() + ".retries",
                              name + "-retries",
                              Duration.ofMinutes(5),
                              batch),
                          tiers,
                          retries,
                          name + "-retries")
                      .sampleLag(kafka.lagSampleInterval());
              // the endpoints' health is known before the first delivery is taken
              return endpoints
                  .start(context, durable)
                  .compose(y -> Future.all(resultsLoop.start(), retryLoop.start()))
                  .compose(
                      x ->
                          HealthServer.join(
                              vertx,
                              "dispatcher",
                              config.httpHost(),
                              config.httpPort(),
                              () ->
                                  ReadinessCheck.kafka(
                                      kafka, List.of(topics.results()), "dispatcher")))
                  .onSuccess(h -> health = h.require("consumer " + name, resultsLoop::hasJoined));
            })
        // a failed start gets no stop() call from Vert.x: release what did start
        .recover(e -> stop().transform(ignored -> Future.failedFuture(e)))
        .onSuccess(
            v ->
                LOG.info(
                    "dispatcher consuming {} and {} retry tier(s) in group {}; retry schedule {}; "
                        + "allowed non-public networks: {}; allowed ports: {}; signing secrets for {} project(s)",
                    topics.results(),
                    tiers.size(),
                    config.groupId(),
                    config.retrySchedule(),
                    config.allowedNetworks().isEmpty() ? "none" : config.allowedNetworks(),
                    config.allowedPorts(),
                    config.secrets().isEmpty() ? "no" : config.secrets()));
  }

  private WebhookSender newSender() {
    HttpClientOptions options =
        new HttpClientOptions()
            .setConnectTimeout((int) config.connectTimeout().toMillis())
            .setKeepAlive(true)
            .setKeepAliveTimeout(30)
            .setVerifyHost(true);
    if (trustOverride != null) {
      options.setTrustOptions(trustOverride);
    }
    client =
        vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(config.maxPerHost()));
    Resolver resolver = resolverOverride;
    if (resolver == null) {
      dns = vertx.createSharedWorkerExecutor("hookrun-webhook-dns", DNS_THREADS);
      resolver = Resolver.system(dns);
    }
    AddressGuard guard = new AddressGuard(resolver, config.allowedNetworks());
    HostLimiter limiter =
        new HostLimiter(
            config.maxPerHost(), config.hostStall(), config.maxInflight(), System::nanoTime);
    long sweepMs = Math.max(50, Math.min(1_000, config.hostStall().toMillis() / 4));
    sweepTimer = vertx.setPeriodic(sweepMs, t -> limiter.sweep());
    return new WebhookSender(
        vertx,
        client,
        guard,
        config.allowedPorts(),
        limiter,
        config.secrets(),
        config.requestTimeout(),
        clock,
        metrics,
        new WebhookBodies(resultStore, config.results().urlTtl()));
  }

  @Override
  public Future<?> stop() {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    List<Future<?>> steps = new ArrayList<>();
    if (endpoints != null) {
      steps.add(endpoints.stop()); // first: its last counts go out before the producer closes
    }
    if (durable != null) {
      durable.close();
    }
    if (resultsLoop != null) {
      steps.add(resultsLoop.stop());
    }
    if (retryLoop != null) {
      steps.add(retryLoop.stop());
    }
    if (ledger != null) {
      steps.add(ledger.stop());
    }
    if (health != null) {
      steps.add(health.leave());
    }
    return Future.join(steps)
        .eventually(
            () -> {
              List<Future<?>> closing = new ArrayList<>();
              if (client != null) {
                closing.add(client.close());
              }
              closing.add(EventLoopProducer.close(vertx, producer));
              if (dns != null) {
                closing.add(dns.close());
              }
              if (resultPool != null) {
                closing.add(resultPool.close());
              }
              // after the renewals still running on the pool
              return Future.join(closing)
                  .eventually(
                      () -> {
                        if (resultStore != null) {
                          resultStore.close();
                        }
                        return Future.succeededFuture();
                      });
            });
  }

  /** Each endpoint's health as this dispatcher sees it, by endpoint (tests). */
  Map<String, EndpointState> endpoints() {
    return endpoints.view();
  }

  public DispatcherMetrics metrics() {
    return metrics;
  }

  public long deliveredCount() {
    return metrics.delivered();
  }

  /** Deliveries that failed for good: dead-lettered (every attempt failed, 410, or refused). */
  public long failedCount() {
    return metrics.deadLettered();
  }
}
