package dev.hookrun.worker;

import dev.hookrun.common.health.HealthServer;
import dev.hookrun.common.health.ReadinessCheck;
import dev.hookrun.common.kafka.EventLoopProducer;
import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.PlatformTopics;
import dev.hookrun.common.kafka.ShareConsumerLoop;
import dev.hookrun.common.kafka.ShareGroupSettings;
import dev.hookrun.common.kafka.TopicFollower;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.metrics.Meters;
import dev.hookrun.results.ResultStore;
import dev.hookrun.worker.model.ModelRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of the workers' share group. Several instances in a process each have their own
 * membership, slots, heartbeat and a producer called on their event loop, and share one blocking
 * pool.
 */
public final class WorkerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);
  private static final AtomicInteger INSTANCE = new AtomicInteger();

  private final WorkerConfig config;
  private KafkaProducer<String, String> producer;
  private WorkerExecutor blockingPool;
  private ShareConsumerLoop loop;
  private Heartbeats heartbeats;
  private RunExecutor executor;
  private CancelledRuns cancelled;
  private TopicFollower<?> cancels;
  private HealthServer health;
  private ResultStore resultStore;
  private Runnable untrackInFlight = () -> {};

  public WorkerVerticle(WorkerConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    var kafka = config.kafka();
    var topics = kafka.topics();
    String name = config.workerId() + "-" + INSTANCE.incrementAndGet();
    return TopicInitializer.ensure(
            vertx,
            kafka,
            List.of(
                PlatformTopics.work(kafka),
                PlatformTopics.workers(kafka),
                PlatformTopics.results(kafka),
                PlatformTopics.cancels(kafka, kafka.runRetention())))
        .compose(v -> vertx.executeBlocking(() -> configureGroup(config)))
        .compose(
            v -> {
              // Known cancels first: a run cancelled while queued must never start.
              cancelled =
                  new CancelledRuns(
                      kafka.runRetention().plus(config.maxRunTime()), Clock.systemUTC());
              cancels =
                  TopicFollower.records(
                      context,
                      KafkaClientProperties.reader(kafka, "hookrun-worker-cancels"),
                      topics.cancels(),
                      cancelled::onRecords);
              return cancels.start();
            })
        .compose(
            v ->
                // no linger: the outcome is on every run's way to its webhook
                EventLoopProducer.open(
                    vertx,
                    kafka,
                    "hookrun-worker-" + name,
                    List.of(topics.results(), topics.workers()),
                    Duration.ZERO))
        .onSuccess(p -> producer = p)
        // Building an S3 client loads and reads much: not on the event loop.
        .compose(v -> vertx.executeBlocking(() -> ResultStore.create(config.results())))
        .compose(
            store -> {
              resultStore = store;
              blockingPool =
                  vertx.createSharedWorkerExecutor(
                      "hookrun-models",
                      config.blockingPoolSize(),
                      config.maxRunTime().toMillis(),
                      TimeUnit.MILLISECONDS);
              executor =
                  new RunExecutor(
                      vertx,
                      ModelRegistry.builtIn(vertx, blockingPool, config.echoMaxBytes()),
                      new ResultPublisher(context, producer, topics),
                      cancelled,
                      config,
                      name,
                      Clock.systemUTC());
              cancelled.onCancel(executor::cancel);
              executor.offloadLargeResults(
                  new ResultOffloader(vertx, resultStore, config.results().inlineMaxBytes(), 500));
              loop =
                  new ShareConsumerLoop(
                      context,
                      KafkaClientProperties.shareConsumer(
                          kafka,
                          config.groupId(),
                          name,
                          RunExecutor.batchSize(config.maxInflight())),
                      topics.work(),
                      executor::onRecords,
                      "worker-" + name);
              executor.attach(loop);
              heartbeats =
                  new Heartbeats(
                      vertx,
                      context,
                      producer,
                      topics.workers(),
                      name,
                      config.maxInflight(),
                      executor::inFlight,
                      Clock.systemUTC());
              untrackInFlight = Meters.trackInFlight(executor::inFlight);
              return loop.start()
                  .compose(x -> heartbeats.start())
                  .compose(
                      x ->
                          HealthServer.join(
                              vertx,
                              "worker",
                              config.httpHost(),
                              config.httpPort(),
                              () ->
                                  ReadinessCheck.kafka(
                                      kafka, List.of(topics.work(), topics.results()), "worker")))
                  .onSuccess(h -> health = h.require("share consumer " + name, loop::hasJoined));
            })
        .onSuccess(
            v ->
                LOG.info(
                    "worker {} taking runs from {} in share group {}",
                    name,
                    topics.work(),
                    config.groupId()));
  }

  /**
   * The share group starts at the earliest record (runs released before any worker joined must
   * run), gives a dead member's unsettled records to another after 15 s, and archives a record only
   * after one delivery more than the worker counts, so the worker settles it as {@code worker_lost}
   * with a webhook instead of the broker dropping it silently.
   */
  private static Void configureGroup(WorkerConfig config) {
    ShareGroupSettings.apply(
        config.kafka(),
        config.groupId(),
        Map.of(
            "share.auto.offset.reset", "earliest",
            "share.record.lock.duration.ms", "15000",
            "share.delivery.count.limit", Integer.toString(config.maxDeliveryAttempts() + 1)));
    return null;
  }

  /**
   * Graceful stop: no more work, in-flight runs finish for up to DRAIN_TIMEOUT, the rest are handed
   * back (the heartbeat says this worker left, so the scheduler releases them again at once).
   */
  @Override
  public Future<?> stop() {
    if (executor == null) {
      return Future.succeededFuture();
    }
    return executor
        .drain(config.drainTimeout())
        .compose(handedBack -> heartbeats.left())
        .eventually(
            () -> {
              untrackInFlight.run();
              return health == null ? Future.succeededFuture() : health.leave();
            })
        .eventually(() -> loop.stop())
        .eventually(() -> cancels.stop())
        .eventually(() -> EventLoopProducer.close(vertx, producer))
        .eventually(
            () -> {
              blockingPool.close();
              if (resultStore != null) {
                resultStore.close();
              }
              return Future.succeededFuture();
            });
  }

  /** Runs in flight in this instance (for tests and metrics). */
  public int inFlight() {
    return executor == null ? 0 : executor.inFlight();
  }

  /** Stops a run held by this instance; false when it does not hold it. */
  public boolean cancel(String runId) {
    return executor != null && executor.cancel(runId);
  }
}
