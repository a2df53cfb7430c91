package dev.hookrun.gateway;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The gateway's JSON answers: one place that sets the status and content type and sends. */
final class JsonReply {

  private JsonReply() {}

  /**
   * Answers {@code body} with {@code status}, unless the answer was already given or the caller
   * left.
   */
  static void send(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.response().ended() && !ctx.response().closed()) {
      ctx.response()
          .setStatusCode(status)
          .putHeader("Content-Type", "application/json")
          .end(body.encode());
    }
  }
}
