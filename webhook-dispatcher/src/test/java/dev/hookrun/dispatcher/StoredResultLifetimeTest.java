package dev.hookrun.dispatcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.delivery.DeadLetterHeaders;
import dev.hookrun.common.delivery.DeadLetterTopic;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.StoredResult;
import dev.hookrun.common.run.WebhookState;
import dev.hookrun.dispatcher.ScriptedReceiver.Reply;
import dev.hookrun.results.ResultKeys;
import dev.hookrun.results.ResultStore;
import dev.hookrun.results.ResultStoreSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stored result, on a real broker and the filesystem store, lasts as long as its webhook needs
 * it: renewed at each attempt and when the delivery is settled, and a delivery whose result is gone
 * sends no dead link.
 */
class StoredResultLifetimeTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String SECRET = "sixteen-chars-secret";
  // older than a RUN_RETENTION of 24 h: the gateways' next sweep would delete it
  private static final Duration OLD = Duration.ofHours(30);

  @TempDir Path dataDir;

  private final DispatcherHarness h = new DispatcherHarness("stored");
  private final ScriptedReceiver receiver = new ScriptedReceiver(h.vertx);

  @AfterEach
  void tearDown() {
    h.close();
  }

  private ResultStoreSettings store() {
    return ResultStoreSettings.defaults().withFilesystem(dataDir, SECRET, "http://127.0.0.1:1");
  }

  /** A result the worker stored, as on the results topic: the key, not the bytes. */
  private RunResult stored(String endpoint) throws IOException {
    byte[] json = "{\"payload\":\"large\"}".getBytes(StandardCharsets.UTF_8);
    String runId = "run-" + UUID.randomUUID();
    String key = ResultKeys.key(runId, ResultKeys.sha256Hex(json));
    try (ResultStore store = ResultStore.create(store())) {
      store.put(key, json);
    }
    return DispatcherHarness.result(runId, "p-1", endpoint)
        .withStored(new StoredResult(key, json.length, ResultKeys.sha256Hex(json)));
  }

  private Path file(RunResult result) {
    return dataDir.resolve("results").resolve(result.stored().key());
  }

  private static Instant modified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toInstant();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void age(Path file) {
    try {
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(OLD)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void anOldStoredResultIsRenewedBeforeTheAttemptAndAgainOnceDelivered() throws Exception {
    Map<String, Instant> modifiedAtArrival = new ConcurrentHashMap<>();
    RunResult result = stored(receiver.url());
    Path file = file(result);
    age(file);
    receiver.answer(
        (run, attempt) -> {
          modifiedAtArrival.put(run, modified(file));
          age(file); // as if written long ago: only a renewal after the 2xx makes it fresh again
          return Reply.of(200);
        });
    DispatcherVerticle dispatcher = h.deploy(h.config("100ms").withResults(store()));
    Instant before = Instant.now().minusSeconds(2); // file times may be coarse

    h.publish(result);
    h.awaitWebhook(result.runId(), WebhookState.DELIVERED, WAIT);

    assertTrue(
        modifiedAtArrival.get(result.runId()).isAfter(before),
        "renewed before the attempt: the link the receiver got still works");
    await().atMost(WAIT).until(() -> modified(file).isAfter(before));
    assertTrue(Files.isRegularFile(file), "still stored after the delivery");
    assertTrue(
        receiver
            .requestsFor(result.runId())
            .get(0)
            .json()
            .getString("result_url")
            .contains(result.stored().key()));
    await().atMost(WAIT).until(() -> dispatcher.metrics().resultRenewals("renewed") == 2);
  }

  @Test
  void aDeadLetteredResultIsRenewedSoAReplayWithinRetentionStillDeliversIt() throws Exception {
    RunResult result = stored(receiver.url());
    Path file = file(result);
    receiver.answer(
        (run, attempt) -> {
          if (attempt == 2) {
            age(file); // the last attempt: only a renewal after the dead letter makes it fresh
          }
          return Reply.of(attempt <= 2 ? 500 : 200);
        });
    h.deploy(h.config("100ms").withResults(store()));
    Instant before = Instant.now().minusSeconds(2);

    h.publish(result);
    await().atMost(WAIT).until(() -> h.deadLetterRecords(result.runId()).size() == 1);
    await().atMost(WAIT).until(() -> modified(file).isAfter(before));

    try (DeadLetterTopic deadLetters = new DeadLetterTopic(h.kafka)) {
      assertTrue(deadLetters.replay(result.runId()));
    }
    h.awaitWebhook(result.runId(), WebhookState.DELIVERED, WAIT);
    assertEquals(3, receiver.requestsFor(result.runId()).size());
  }

  @Test
  void aReplayWhoseStoredResultIsGoneSendsNoWebhookAndSaysResultExpired() throws Exception {
    receiver.answer((run, attempt) -> Reply.of(attempt <= 2 ? 500 : 200));
    RunResult result = stored(receiver.url());
    DispatcherVerticle dispatcher = h.deploy(h.config("100ms").withResults(store()));

    h.publish(result);
    h.awaitWebhook(result.runId(), WebhookState.FAILED, WAIT);
    assertEquals(2, receiver.requestsFor(result.runId()).size());
    // two attempts and the dead letter renewed it; none is still on its way
    await().atMost(WAIT).until(() -> dispatcher.metrics().resultRenewals("renewed") == 3);

    Files.delete(file(result)); // swept: the dead letter was replayed too late
    try (DeadLetterTopic deadLetters = new DeadLetterTopic(h.kafka)) {
      assertTrue(deadLetters.replay(result.runId()));
      await()
          .atMost(WAIT)
          .until(
              () ->
                  deadLetters.list().stream()
                      .anyMatch(
                          l ->
                              l.runId().equals(result.runId())
                                  && DeadLetterHeaders.RESULT_EXPIRED.equals(l.reason())));
    }

    // the replay's settling (attempts 3) outranks the earlier failure (attempts 2)
    await()
        .atMost(WAIT)
        .until(() -> h.dispatcherState(result.runId()).orElseThrow().webhook().attempts() == 3);
    WebhookState state = h.dispatcherState(result.runId()).orElseThrow().webhook();
    assertEquals(WebhookState.FAILED, state.status());
    assertTrue(state.lastError().startsWith("result_expired: "), state.lastError());
    assertEquals(
        2,
        receiver.requestsFor(result.runId()).size(),
        "no webhook with a link to a deleted result");
    assertEquals(1, dispatcher.metrics().deadLettered(DeadLetterHeaders.RESULT_EXPIRED));
    assertEquals(1, dispatcher.metrics().resultRenewals("gone"));
    assertEquals(
        List.of(),
        h.dispatcherStates(result.runId()).stream()
            .filter(s -> WebhookState.DELIVERED.equals(s.webhook().status()))
            .toList());
  }
}
