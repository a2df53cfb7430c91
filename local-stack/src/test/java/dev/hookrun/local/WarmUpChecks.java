package dev.hookrun.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hookrun.kafka.SharedTestBroker;
import dev.hookrun.testkit.TestHttp;
import dev.hookrun.testkit.TopicReader;
import io.vertx.core.json.JsonObject;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;

/**
 * What the one-process and the per-stage warm-up tests both check of a warm-up, as a user sees it.
 */
final class WarmUpChecks {

  private WarmUpChecks() {}

  /**
   * Polls {@code /readyz} until it says ready; true when, before that, it answered 503 naming a
   * {@code warm_up} check that had not passed.
   */
  static boolean readyAfterNamingTheWarmUp(TestHttp http, Duration atMost) {
    AtomicBoolean sawWarmingUp = new AtomicBoolean();
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              TestHttp.Response ready;
              try {
                ready = http.get("/readyz");
              } catch (UncheckedIOException notListeningYet) {
                return false;
              }
              JsonObject warmUp = ready.json().getJsonObject("checks").getJsonObject("warm_up");
              if (ready.status() == 503 && warmUp != null && !warmUp.getBoolean("ok")) {
                sawWarmingUp.set(true);
              }
              return ready.status() == 200;
            });
    return sawWarmingUp.get();
  }

  /**
   * No topic or consumer group under any of {@code warmUpPrefixes} is left on the shared test
   * broker, and no warm-up run is among the requests of the platform under {@code platformPrefix}.
   */
  static void nothingLeftOf(List<String> warmUpPrefixes, String platformPrefix) throws Exception {
    assertEquals(
        List.of(),
        TopicReader.readAll(SharedTestBroker.bootstrapServers(), platformPrefix + "requests"),
        "no warm-up run among the platform's requests");
    try (Admin admin =
        Admin.create(Map.of("bootstrap.servers", SharedTestBroker.bootstrapServers()))) {
      // a deleted topic may still be listed for a moment
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  admin.listTopics().names().get().stream()
                      .noneMatch(name -> warmUpPrefixes.stream().anyMatch(name::startsWith)));
      assertEquals(
          List.of(),
          admin.listGroups().all().get().stream()
              .map(GroupListing::groupId)
              .filter(group -> warmUpPrefixes.stream().anyMatch(group::startsWith))
              .toList());
    }
  }
}
