package dev.hookrun.worker;

import dev.hookrun.common.health.HealthServer;
import dev.hookrun.common.health.ReadinessCheck;
import dev.hookrun.common.kafka.ConsumerLoop;
import dev.hookrun.common.kafka.EventLoopProducer;
import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.PlatformTopics;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of the workers' consumer group. Several instances in a process each own a group
 * membership (and so a share of the partitions) and a producer called on their event loop, and
 * share one blocking pool.
 */
public final class WorkerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);
  private static final AtomicInteger INSTANCE = new AtomicInteger();

  private final WorkerConfig config;
  private KafkaProducer<String, String> producer;
  private WorkerExecutor blockingPool;
  private ConsumerLoop loop;
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
                PlatformTopics.requests(kafka),
                PlatformTopics.results(kafka),
                PlatformTopics.cancels(kafka, kafka.runRetention())))
        .compose(
            v -> {
              // Known cancels first: a run cancelled while queued must never start.
              cancelled = new CancelledRuns(100_000);
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
                    List.of(topics.results()),
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
                      ModelRegistry.builtIn(vertx, blockingPool),
                      new ResultPublisher(context, producer, topics),
                      cancelled,
                      config,
                      Clock.systemUTC());
              cancelled.onCancel(executor::cancel);
              executor.offloadLargeResults(
                  new ResultOffloader(vertx, resultStore, config.results().inlineMaxBytes(), 500));
              loop =
                  new ConsumerLoop(
                          context,
                          KafkaClientProperties.consumer(
                              kafka,
                              config.groupId(),
                              name,
                              config.maxPollInterval(),
                              Math.min(500, config.maxInflight())),
                          List.of(topics.requests()),
                          executor,
                          "worker-" + name)
                      .sampleLag(kafka.lagSampleInterval());
              untrackInFlight = Meters.trackInFlight(executor::inFlight);
              return loop.start()
                  .compose(
                      x ->
                          HealthServer.join(
                              vertx,
                              "worker",
                              config.httpHost(),
                              config.httpPort(),
                              () ->
                                  ReadinessCheck.kafka(
                                      kafka,
                                      List.of(topics.requests(), topics.results()),
                                      "worker")))
                  .onSuccess(h -> health = h.require("consumer " + name, loop::hasJoined));
            })
        .onSuccess(
            v ->
                LOG.info(
                    "worker {} consuming {} in group {}",
                    config.workerId(),
                    topics.requests(),
                    config.groupId()));
  }

  /** Graceful stop: drain, then leave the group committing what finished. */
  @Override
  public Future<?> stop() {
    if (executor == null) {
      return Future.succeededFuture();
    }
    return executor
        .drain(config.drainTimeout())
        .eventually(
            () -> {
              untrackInFlight.run();
              return health == null ? Future.succeededFuture() : health.leave();
            })
        .compose(v -> loop.stop())
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

  /** The partitions this instance owns now. */
  public java.util.Set<org.apache.kafka.common.TopicPartition> assignment() {
    return loop == null ? java.util.Set.of() : loop.assignment();
  }

  /** Partitions moved away from this instance by rebalances, and lost to a session timeout. */
  public int revokedPartitions() {
    return loop == null ? 0 : loop.revokedPartitions();
  }

  public int lostPartitions() {
    return loop == null ? 0 : loop.lostPartitions();
  }

  /** Stops a run held by this instance; false when it does not hold it. */
  public boolean cancel(String runId) {
    return executor != null && executor.cancel(runId);
  }
}
