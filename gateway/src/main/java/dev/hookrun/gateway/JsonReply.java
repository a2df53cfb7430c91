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

  /** The same for a body already written as JSON text. */
  static void send(RoutingContext ctx, int status, String json) {
    if (!ctx.response().ended() && !ctx.response().closed()) {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(json);
    }
  }

  /**
   * Appends {@code text} as a JSON string. For the few answers on the predict path whose shape is
   * fixed: written by hand they skip building a map and walking it with Jackson (answering the 202
   * was 5 % of the CPU samples at full load).
   */
  static StringBuilder appendString(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }
}
