package dev.hookrun.gateway;

import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;
import io.vertx.ext.web.RoutingContext;

/** Who may touch a project's runs: the holder of one of that project's keys. */
final class Access {

  private Access() {}

  /** The error to answer, or null when the caller's key belongs to {@code project}. */
  static ApiError check(ApiKeys keys, RoutingContext ctx, String project) {
    var owner = keys.projectOf(ctx.request().getHeader("Authorization"));
    if (owner.isEmpty()) {
      return ApiError.of(ErrorCode.UNAUTHORIZED, "Send a valid API key in the Authorization header.");
    }
    if (!owner.get().equals(project)) {
      return ApiError.of(ErrorCode.FORBIDDEN, "This API key does not belong to project '" + project + "'.");
    }
    return null;
  }
}
