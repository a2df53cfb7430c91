package dev.hookrun.scheduler;

import dev.hookrun.common.health.HealthServer;
import dev.hookrun.common.health.ReadinessCheck;
import dev.hookrun.common.kafka.ConsumerLoop;
import dev.hookrun.common.kafka.DurableProducer;
import dev.hookrun.common.kafka.EventLoopProducer;
import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.PlatformTopics;
import dev.hookrun.common.kafka.TopicFollower;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler stage: follows what happened to runs (results, work, workers, cancels) into its
 * ledger, then reads the requests of its partitions in its group and releases them to the workers
 * in fair order as slots free up. All state lives on this verticle's event loop.
 */
public final class SchedulerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SchedulerVerticle.class);
  private static final Duration TICK = Duration.ofSeconds(1);

  private final SchedulerConfig config;
  private final Clock clock;
  private KafkaProducer<String, String> producer;
  private DurableProducer durable;
  private TopicFollower<Fact> follower;
  private ConsumerLoop loop;
  private Scheduler scheduler;
  private RunLedger ledger;
  private WorkerRoster roster;
  private HealthServer health;
  private long ticker = -1;
  private Runnable untrackGauges = () -> {};

  public SchedulerVerticle(SchedulerConfig config) {
    this(config, Clock.systemUTC());
  }

  SchedulerVerticle(SchedulerConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    var kafka = config.kafka();
    var topics = kafka.topics();
    String name = "hookrun-scheduler-" + UUID.randomUUID().toString().substring(0, 8);
    return TopicInitializer.ensure(
            vertx,
            kafka,
            List.of(
                PlatformTopics.requests(kafka),
                PlatformTopics.results(kafka),
                PlatformTopics.work(kafka),
                PlatformTopics.workers(kafka),
                PlatformTopics.cancels(kafka, kafka.runRetention())))
        .compose(
            v ->
                // no linger: a released run is on its way to a free worker slot
                EventLoopProducer.open(
                    vertx,
                    kafka,
                    name,
                    List.of(topics.work(), topics.results(), topics.requests()),
                    Duration.ZERO))
        .compose(
            p -> {
              producer = p;
              durable = DurableProducer.direct(context, producer);
              ledger = new RunLedger();
              roster = new WorkerRoster(clock, config.workerLeaseTimeout());
              RequestIntake intake =
                  new RequestIntake(vertx, producer.partitionsFor(topics.requests()).size());
              scheduler =
                  new Scheduler(
                      config.policy(),
                      ledger,
                      roster,
                      clock,
                      new WorkPublisher(durable, topics, clock),
                      intake,
                      kafka.runRetention());
              intake.feed(scheduler);
              // a scheduled run is queued at its time, not at the next one-second tick
              scheduler.wakeAt(
                  at ->
                      vertx.setTimer(
                          Math.max(1, Duration.between(clock.instant(), at).toMillis() + 1),
                          t -> scheduler.wake()));
              loop =
                  new ConsumerLoop(
                          context,
                          KafkaClientProperties.consumer(
                              kafka, config.groupId(), name, Duration.ofMinutes(5), 500),
                          List.of(topics.requests()),
                          intake,
                          "scheduler-" + name)
                      .sampleLag(kafka.lagSampleInterval());
              FactDecoder facts = new FactDecoder(topics);
              // what happened to runs first: a request is read only once its run's fate is known
              follower =
                  TopicFollower.decoding(
                          context,
                          KafkaClientProperties.reader(kafka, name + "-ledger"),
                          facts.followed(),
                          facts::decode,
                          this::apply)
                      // a run scheduled ahead may be cancelled long before its time
                      .lookBack(kafka.runLookBack())
                      .readWhole(topics.workers())
                      .values(new FactDecoder.Values(topics))
                      .named(name + "-ledger", "scheduler-ledger");
              return follower.start();
            })
        .compose(v -> loop.start())
        .compose(
            v -> {
              ticker = vertx.setPeriodic(TICK.toMillis(), t -> tick());
              untrackGauges =
                  Meters.trackScheduler(
                      scheduler::inFlight, scheduler::capacity, scheduler::liveWorkers);
              return HealthServer.join(
                  vertx,
                  "scheduler",
                  config.httpHost(),
                  config.httpPort(),
                  () ->
                      ReadinessCheck.kafka(
                          kafka,
                          List.of(topics.requests(), topics.work(), topics.results()),
                          "scheduler"));
            })
        .onSuccess(
            h -> {
              health = h.require("consumer " + name, loop::hasJoined);
              LOG.info(
                  "scheduler consuming {} in group {}, releasing to {}",
                  topics.requests(),
                  config.groupId(),
                  topics.work());
            });
  }

  /** Commits what finished, leaves the group, and sends what is still buffered. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(ticker);
    untrackGauges.run();
    if (scheduler != null) {
      scheduler.close();
    }
    Future<Void> left = health == null ? Future.succeededFuture() : health.leave();
    return left.eventually(() -> loop == null ? Future.succeededFuture() : loop.stop())
        .eventually(() -> follower == null ? Future.succeededFuture() : follower.stop())
        .eventually(() -> EventLoopProducer.close(vertx, producer))
        .eventually(
            () -> {
              if (durable != null) {
                durable.close();
              }
              return Future.succeededFuture();
            });
  }

  /** The health server's port (tests). */
  public int httpPort() {
    return health == null ? -1 : health.port();
  }

  private void apply(List<Fact> facts) {
    for (Fact fact : facts) {
      if (fact instanceof Fact.Heartbeat beat) {
        roster.onHeartbeat(beat.heartbeat());
      } else {
        ledger.apply(fact);
        scheduler.onFact(fact);
      }
    }
    scheduler.release();
  }

  private void tick() {
    ledger.forgetOlderThan(clock.instant(), config.kafka().runLookBack());
    scheduler.tick();
  }
}
