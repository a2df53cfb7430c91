package dev.hookrun.gateway;

import dev.hookrun.results.ResultStore;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Presents a stored result to a caller: a {@code result_url} signed now, so RESULT_URL_TTL runs
 * from when the caller is given it. Filesystem links point at this gateway as the caller reached
 * it, unless RESULT_URL_BASE names the public address.
 */
final class ResultLinks {

  private final ResultStore store;
  private final Duration ttl;

  ResultLinks(ResultStore store, Duration ttl) {
    this.store = store;
    this.ttl = ttl;
  }

  /** The run's status as the status route shows it to {@code caller}, result_url signed for it. */
  JsonObject status(RunState state, RunStateView view, HttpServerRequest caller) {
    return addUrl(RunStatusJson.full(state, view), state, caller);
  }

  /**
   * The answer of a synchronous predict (or replay) to {@code caller}, result_url signed for it.
   */
  JsonObject syncResult(RunState state, HttpServerRequest caller) {
    return addUrl(RunStatusJson.syncResult(state), state, caller);
  }

  /** Adds {@code result_url} to {@code json} when the run's result is in the store. */
  JsonObject addUrl(JsonObject json, RunState state, HttpServerRequest caller) {
    if (state.stored() != null && json.containsKey("result_sha256")) {
      json.put("result_url", store.signedUrl(state.stored().key(), ttl, callerBase(caller)));
    }
    return json;
  }

  private static String callerBase(HttpServerRequest caller) {
    var authority = caller.authority();
    return authority == null ? null : caller.scheme() + "://" + authority;
  }
}
