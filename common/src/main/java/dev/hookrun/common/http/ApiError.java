package dev.hookrun.common.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * An error as clients see it: {@code {"error":{"code","message","field"?}}} with its HTTP status.
 * Codes come from {@link ErrorCode}. Messages are written for the caller; internal details and
 * stack traces never go in them.
 */
public record ApiError(int status, String code, String message, String field) {

  public static ApiError of(ErrorCode code, String message) {
    return new ApiError(code.status(), code.wire(), message, null);
  }

  /** An error about one named part of the request (a body field, a header). */
  public static ApiError of(ErrorCode code, String message, String field) {
    return new ApiError(code.status(), code.wire(), message, field);
  }

  public static ApiError field(String field, String message) {
    return of(ErrorCode.INVALID_FIELD, message, field);
  }

  public JsonObject toJson() {
    JsonObject error = new JsonObject().put("code", code).put("message", message);
    if (field != null) {
      error.put("field", field);
    }
    return new JsonObject().put("error", error);
  }

  public void send(RoutingContext ctx) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(toJson().encode());
  }
}
