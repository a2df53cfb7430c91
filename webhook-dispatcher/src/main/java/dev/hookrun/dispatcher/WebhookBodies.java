package dev.hookrun.dispatcher;

import dev.hookrun.common.run.RunResult;
import dev.hookrun.results.ResultStore;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * The completed body of a run's webhook. A result kept in the result store is presented as a {@code
 * result_url} signed at each attempt: its RESULT_URL_TTL runs from when the receiver is given it,
 * so a delivery retried hours later still carries a working link.
 */
final class WebhookBodies {

  private final ResultStore store;
  private final Duration ttl;

  WebhookBodies(ResultStore store, Duration ttl) {
    this.store = store;
    this.ttl = ttl;
  }

  JsonObject of(RunResult result) {
    JsonObject body = result.webhookBody();
    if (result.stored() != null) {
      body.put("result_url", store.signedUrl(result.stored().key(), ttl, null));
    }
    return body;
  }
}
