package dev.hookrun.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunStatus;
import dev.hookrun.results.ResultKeys;
import dev.hookrun.results.ResultStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the worker publishes for results of each size, and when the store will not take one. */
class ResultOffloaderTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void aResultWithinTheLimitIsPublishedInlineAndNothingIsStored() throws Exception {
    InMemoryStore store = new InMemoryStore(0);
    RunResult small = outcome(new JsonObject().put("payload", "x".repeat(100)));
    RunResult published = offloaded(store, small);
    assertSame(small, published);
    assertEquals(0, store.objects.size());
  }

  @Test
  void aLargerResultIsStoredAndTheOutcomeNamesItsKeySizeAndDigest() throws Exception {
    InMemoryStore store = new InMemoryStore(0);
    JsonObject result = new JsonObject().put("payload", "x".repeat(5_000));
    byte[] json = result.encode().getBytes(StandardCharsets.UTF_8);
    RunResult published = offloaded(store, outcome(result));
    assertEquals(RunStatus.SUCCEEDED, published.status());
    assertNull(published.result());
    assertEquals(json.length, published.stored().bytes());
    assertEquals(ResultKeys.sha256Hex(json), published.stored().sha256());
    assertArrayEquals(json, store.objects.get(published.stored().key()));
    // and it survives the trip through the results topic
    assertEquals(published.stored(), RunResult.fromJson(published.toJson()).stored());
  }

  @Test
  void aPassingStoreFailureIsRetried() throws Exception {
    InMemoryStore store = new InMemoryStore(2);
    RunResult published =
        offloaded(store, outcome(new JsonObject().put("payload", "x".repeat(5_000))));
    assertEquals(RunStatus.SUCCEEDED, published.status());
    assertEquals(1, store.objects.size());
  }

  @Test
  void aStoreThatKeepsRefusingEndsTheRunFailedWithResultNotStored() throws Exception {
    InMemoryStore store = new InMemoryStore(Integer.MAX_VALUE);
    RunResult published =
        offloaded(store, outcome(new JsonObject().put("payload", "x".repeat(5_000))));
    assertEquals(RunStatus.FAILED, published.status());
    assertEquals("result_not_stored", published.error().code());
    assertNull(published.result());
    assertNull(published.stored());
    assertEquals(ResultOffloader.ATTEMPTS, store.attempts.get());
  }

  private RunResult offloaded(ResultStore store, RunResult outcome) throws Exception {
    return offloader(store)
        .offload(outcome, () -> false)
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private ResultOffloader offloader(ResultStore store) {
    return new ResultOffloader(vertx, store, 1024, 1);
  }

  private static RunResult outcome(Object result) {
    Instant now = Instant.now();
    return new RunResult(
        "run-1",
        "p",
        "echo-example",
        RunStatus.SUCCEEDED,
        result,
        null,
        1,
        now,
        now,
        now,
        "http://127.0.0.1:1/hook",
        "w1");
  }

  /** A store in memory that refuses its first {@code failures} writes. */
  private static final class InMemoryStore implements ResultStore {
    final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    final AtomicInteger attempts = new AtomicInteger();
    private final int failures;

    InMemoryStore(int failures) {
      this.failures = failures;
    }

    @Override
    public void put(String key, byte[] json) throws IOException {
      if (attempts.incrementAndGet() <= failures) {
        throw new IOException("store unavailable");
      }
      objects.put(key, json.clone());
    }

    @Override
    public String signedUrl(String key, Duration ttl, String callerBase) {
      return "http://127.0.0.1/" + key;
    }

    @Override
    public boolean touch(String key) {
      return objects.containsKey(key);
    }

    @Override
    public int deleteOlderThan(Instant cutoff) {
      return 0;
    }

    @Override
    public void close() {}
  }
}
