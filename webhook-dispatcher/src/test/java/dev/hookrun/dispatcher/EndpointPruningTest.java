package dev.hookrun.dispatcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.delivery.EndpointState;
import dev.hookrun.common.delivery.EndpointTopic;
import dev.hookrun.common.kafka.DurableProducer;
import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.kafka.PlatformTopics;
import dev.hookrun.common.kafka.TopicInitializer;
import dev.hookrun.testkit.ManualClock;
import dev.hookrun.testkit.SharedTestBroker;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An endpoint nobody attempts for the retention, and that is not disabled, is forgotten: by the
 * dispatcher that notices, by every other one reading its tombstone, and by the topic's readers.
 */
class EndpointPruningTest {

  private static final String STALE = "https://stale.example.com/hook";
  private static final String ACTIVE = "https://active.example.com/hook";
  private static final String BROKEN = "https://broken.example.com/hook";

  private final Vertx vertx = Vertx.vertx();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T00:00:00Z"));
  private final KafkaSettings kafka =
      KafkaSettings.local(SharedTestBroker.bootstrapServers(), "prune-" + UUID.randomUUID() + ".")
          .withRunRetention(Duration.ofHours(1));

  private final List<KafkaProducer<String, String>> producers = new java.util.ArrayList<>();

  @AfterEach
  void close() {
    vertx.close().await();
    producers.forEach(p -> p.close(Duration.ZERO));
  }

  /** A dispatcher's endpoint health on a context of its own, with its own producer. */
  private record Dispatcher(Context context, EndpointHealth health) {
    <T> T on(Callable<T> action) {
      CompletableFuture<T> done = new CompletableFuture<>();
      context.runOnContext(
          v -> {
            try {
              done.complete(action.call());
            } catch (Exception e) {
              done.completeExceptionally(e);
            }
          });
      return done.join();
    }

    Map<String, EndpointState> view() {
      return on(health::view);
    }
  }

  private Dispatcher start(String name, Duration disableAfter) {
    Context context = vertx.getOrCreateContext();
    KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.producer(kafka, name, Duration.ofSeconds(20))));
    EndpointHealth health = new EndpointHealth(kafka, name, disableAfter, clock, state -> {});
    CompletableFuture<Void> started = new CompletableFuture<>();
    context.runOnContext(
        v ->
            health
                .start(context, DurableProducer.direct(context, producer))
                .onComplete(
                    done -> {
                      if (done.succeeded()) {
                        started.complete(null);
                      } else {
                        started.completeExceptionally(done.cause());
                      }
                    }));
    started.join();
    producers.add(producer);
    return new Dispatcher(context, health);
  }

  @Test
  void anEndpointWithoutAttemptsForTheRetentionIsForgottenEverywhereUnlessDisabled()
      throws Exception {
    TopicInitializer.ensureBlocking(kafka, List.of(PlatformTopics.endpoints(kafka)));
    Duration disableAfter = Duration.ofMinutes(10);
    Dispatcher first = start("d1", disableAfter);
    Dispatcher second = start("d2", disableAfter);
    assertEquals(Duration.ofHours(1), first.health().retention(), "RUN_RETENTION, the longer");

    first.on(
        () -> {
          first.health().attempted(STALE, "p1", true, 1_000_000);
          first.health().attempted(BROKEN, "p1", false, 1_000_000);
          return null;
        });
    clock.advance(disableAfter.plusSeconds(1));
    first.on(
        () -> {
          first.health().attempted(BROKEN, "p1", false, 1_000_000); // failing long enough: disabled
          return null;
        });
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> second.view().keySet().containsAll(List.of(STALE, BROKEN)));
    assertTrue(second.view().get(BROKEN).disabled());

    clock.advance(Duration.ofMinutes(55));
    first.on(
        () -> {
          first.health().attempted(ACTIVE, "p1", true, 1_000_000);
          return null;
        });
    await().atMost(Duration.ofSeconds(10)).until(() -> second.view().containsKey(ACTIVE));
    // STALE was last attempted 65 minutes ago; ACTIVE just now; BROKEN is disabled
    clock.advance(Duration.ofMinutes(1));
    second.on(
        () -> {
          second.health().prune();
          return null;
        });

    assertEquals(false, second.view().containsKey(STALE), "dropped by the one that noticed");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !first.view().containsKey(STALE)); // the other reads the tombstone
    assertTrue(first.view().containsKey(ACTIVE));
    assertTrue(first.view().get(BROKEN).disabled(), "a disable stays until it is enabled");
    Map<String, EndpointState> onTopic = new EndpointTopic(kafka).read();
    assertEquals(false, onTopic.containsKey(STALE), "the topic's readers skip it too");
    assertTrue(onTopic.containsKey(ACTIVE));

    // a dispatcher started now does not know it either; an attempt makes it known again
    Dispatcher third = start("d3", disableAfter);
    assertEquals(false, third.view().containsKey(STALE));
    assertTrue(third.view().containsKey(BROKEN));
    third.on(
        () -> {
          third.health().attempted(STALE, "p1", true, 1_000_000);
          return null;
        });
    await().atMost(Duration.ofSeconds(10)).until(() -> first.view().containsKey(STALE));
  }
}
