package dev.hookrun.dispatcher;

import dev.hookrun.common.health.HealthServer;
import dev.hookrun.common.health.ReadinessCheck;
import dev.hookrun.common.kafka.ConsumerLoop;
import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.common.kafka.TopicSpec;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One member of the dispatchers' consumer group on the results topic. */
public final class DispatcherVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(DispatcherVerticle.class);
  private static final AtomicInteger INSTANCE = new AtomicInteger();

  private final DispatcherConfig config;
  private ConsumerLoop loop;
  private WebhookSender sender;
  private DeliveryExecutor executor;
  private HealthServer health;

  public DispatcherVerticle(DispatcherConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    var kafka = config.kafka();
    var topics = kafka.topics();
    return TopicInitializer.ensure(vertx, kafka, List.of(
            TopicSpec.of(topics.results(), kafka.partitions(), kafka.replicationFactor())))
        .compose(v -> {
          sender = new WebhookSender(vertx, config);
          executor = new DeliveryExecutor(vertx, sender, config);
          String name = "dispatcher-" + INSTANCE.incrementAndGet();
          loop = new ConsumerLoop(context,
              KafkaClientProperties.consumer(kafka, config.groupId(), name, Duration.ofMinutes(5), 500),
              List.of(topics.results()), executor, name);
          executor.attach(loop);
          return loop.start()
              .compose(x -> HealthServer.join(vertx, "dispatcher", config.httpPort(),
                  () -> ReadinessCheck.kafka(kafka, List.of(topics.results()), "dispatcher")))
              .onSuccess(h -> health = h.require("consumer " + name, loop::hasJoined));
        })
        .onSuccess(v -> LOG.info("dispatcher consuming {} in group {}", topics.results(), config.groupId()));
  }

  @Override
  public Future<?> stop() {
    if (loop == null) {
      return Future.succeededFuture();
    }
    return loop.stop().eventually(() -> health == null ? Future.succeededFuture() : health.leave()).eventually(() -> {
      sender.close();
      return Future.succeededFuture();
    });
  }

  public long deliveredCount() {
    return executor == null ? 0 : executor.deliveredCount();
  }

  public long failedCount() {
    return executor == null ? 0 : executor.failedCount();
  }
}
