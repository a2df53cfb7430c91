package dev.hookrun.gateway;

import dev.hookrun.common.apps.AppCatalog;
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
      return ApiError.of(
          ErrorCode.UNAUTHORIZED, "Send a valid API key in the Authorization header.");
    }
    if (!owner.get().equals(project)) {
      return ApiError.of(
          ErrorCode.FORBIDDEN, "This API key does not belong to project '" + project + "'.");
    }
    return null;
  }

  /** Like {@link #check}, and also a 404 for an app the platform does not serve. */
  static ApiError checkApp(ApiKeys keys, RoutingContext ctx, String project, String app) {
    ApiError refused = check(keys, ctx, project);
    if (refused == null && !AppCatalog.isKnown(app)) {
      return ApiError.of(ErrorCode.UNKNOWN_APP, "There is no app named '" + app + "'.");
    }
    return refused;
  }
}
