package dev.hookrun.worker;

import dev.hookrun.common.run.RunError;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunStatus;
import dev.hookrun.common.run.StoredResult;
import dev.hookrun.results.ResultKeys;
import dev.hookrun.results.ResultStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a result larger than RESULT_INLINE_MAX into the result store before its outcome is
 * published, so the outcome (and every record and webhook made from it) stays small: it carries the
 * object's key, size and SHA-256 instead. The bytes stored are exactly the result's JSON.
 *
 * <p>Writing blocks (disk or network), so it runs on a worker thread. A failed write is tried a few
 * times with back-off; a store that keeps refusing (no such bucket, no permission, disk full) ends
 * the run {@code failed} with {@code result_not_stored} instead of holding its partition's commits
 * back forever.
 */
final class ResultOffloader {

  private static final Logger LOG = LoggerFactory.getLogger(ResultOffloader.class);
  static final int ATTEMPTS = 5;

  private final Vertx vertx;
  private final ResultStore store;
  private final int inlineMax;
  private final long firstBackoffMs;

  ResultOffloader(Vertx vertx, ResultStore store, int inlineMax, long firstBackoffMs) {
    this.vertx = vertx;
    this.store = store;
    this.inlineMax = inlineMax;
    this.firstBackoffMs = firstBackoffMs;
  }

  /** The outcome to publish: {@code outcome} itself when its result is small enough. */
  Future<RunResult> offload(RunResult outcome, BooleanSupplier giveUp) {
    if (outcome.result() == null || outcome.stored() != null) {
      return Future.succeededFuture(outcome);
    }
    byte[] json = Json.encode(outcome.result()).getBytes(StandardCharsets.UTF_8);
    if (json.length <= inlineMax) {
      return Future.succeededFuture(outcome);
    }
    // Hashing megabytes takes milliseconds: a worker thread's job, not the event loop's.
    return vertx
        .executeBlocking(() -> ResultKeys.sha256Hex(json), false)
        .compose(
            sha -> {
              StoredResult ref =
                  new StoredResult(ResultKeys.key(outcome.runId(), sha), json.length, sha);
              Promise<RunResult> done = Promise.promise();
              attempt(outcome, ref, json, 1, firstBackoffMs, giveUp, done);
              return done.future();
            });
  }

  private void attempt(
      RunResult outcome,
      StoredResult ref,
      byte[] json,
      int attempt,
      long backoffMs,
      BooleanSupplier giveUp,
      Promise<RunResult> done) {
    if (giveUp.getAsBoolean()) {
      done.tryFail("abandoned");
      return;
    }
    vertx
        .executeBlocking(
            () -> {
              store.put(ref.key(), json);
              return null;
            },
            false)
        .onComplete(
            put -> {
              if (put.succeeded()) {
                done.tryComplete(outcome.withStored(ref));
              } else if (attempt >= ATTEMPTS) {
                LOG.error(
                    "run {}: storing its result of {} bytes failed {} times, settling it as failed: {}",
                    outcome.runId(),
                    ref.bytes(),
                    attempt,
                    put.cause().toString());
                done.tryComplete(notStored(outcome, ref.bytes()));
              } else {
                LOG.warn(
                    "run {}: storing its result failed, retrying in {} ms: {}",
                    outcome.runId(),
                    backoffMs,
                    put.cause().toString());
                vertx.setTimer(
                    backoffMs,
                    t -> attempt(outcome, ref, json, attempt + 1, backoffMs * 2, giveUp, done));
              }
            });
  }

  private static RunResult notStored(RunResult outcome, long bytes) {
    return new RunResult(
        outcome.runId(),
        outcome.project(),
        outcome.app(),
        RunStatus.FAILED,
        null,
        new RunError(
            "result_not_stored",
            "The model's result ("
                + bytes
                + " bytes as JSON) is larger than RESULT_INLINE_MAX and the result store did not accept it."),
        outcome.runTimeMs(),
        outcome.createdAt(),
        outcome.startedAt(),
        outcome.completedAt(),
        outcome.webhookEndpoint(),
        outcome.workerId(),
        outcome.webhookEvents(),
        outcome.retryOf());
  }
}
