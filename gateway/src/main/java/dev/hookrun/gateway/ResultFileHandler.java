package dev.hookrun.gateway;

import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;
import dev.hookrun.results.FsResultStore;
import dev.hookrun.results.ResultKeys;
import dev.hookrun.results.UrlSigner;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/**
 * {@code GET /results/{key}?expires=…&sig=…}: a stored result of the filesystem store, for whoever
 * holds a signed link (no API key: a webhook receiver fetches it). An altered or expired link is
 * 403; a result already deleted after RUN_RETENTION is 404. With the S3 store the links point at
 * the bucket, and this route has nothing to serve (404).
 */
final class ResultFileHandler implements Handler<RoutingContext> {

  private final FsResultStore store;
  private final Clock clock;

  /** {@code store} null: the installation keeps results in S3. */
  ResultFileHandler(FsResultStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (store == null) {
      ApiError.of(
              ErrorCode.NOT_FOUND,
              "Results are kept in S3 here; use the result_url you were given.")
          .send(ctx);
      return;
    }
    String key = ctx.pathParam("key");
    if (!ResultKeys.isValid(key)) {
      forbidden(ctx, "This result link is not valid.");
      return;
    }
    UrlSigner.Verdict verdict =
        store
            .signer()
            .check(
                key,
                ctx.request().getParam("expires"),
                ctx.request().getParam("sig"),
                clock.instant());
    switch (verdict) {
      case BAD_SIGNATURE -> forbidden(ctx, "This result link is not valid.");
      case EXPIRED ->
          forbidden(ctx, "This result link has expired; fetch the run's status for a fresh one.");
      case VALID ->
          store
              .file(key)
              .ifPresentOrElse(
                  file ->
                      ctx.response()
                          .putHeader("Content-Type", "application/json")
                          .putHeader("Cache-Control", "private, no-store")
                          .sendFile(file.toString()),
                  () ->
                      ApiError.of(
                              ErrorCode.RESULT_NOT_FOUND,
                              "This result is no longer stored (results are kept for RUN_RETENTION).")
                          .send(ctx));
    }
  }

  private static void forbidden(RoutingContext ctx, String message) {
    ApiError.of(ErrorCode.FORBIDDEN, message).send(ctx);
  }
}
