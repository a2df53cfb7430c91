package dev.hookrun.gateway;

import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;
import io.vertx.ext.web.RoutingContext;

/**
 * Finds the run a {@code /v3/{project}/{app}/runs/{run_id}…} route names, for its owner only: a run
 * of another project or app is as unknown as one that never existed. The operator's lookup ({@link
 * #forOperator}) serves the admin listener's {@code /ops/runs/{run_id}…} routes, which the admin
 * key or a console session already authorized: it finds any project's run by its id alone.
 */
final class RunLookup {

  private final ApiKeys keys;
  private final RunStateView view;

  RunLookup(ApiKeys keys, RunStateView view) {
    this.keys = keys;
    this.view = view;
  }

  static RunLookup forOperator(RunStateView view) {
    return new RunLookup(null, view);
  }

  RunStateView.Progress progress(String runId) {
    return view.progressOf(runId);
  }

  /** The caller's key, by a name that is not the key; call after {@link #find} found the run. */
  String keyId(RoutingContext ctx) {
    return keys == null
        ? "operator"
        : keys.idOf(ctx.request().getHeader("Authorization")).orElse("");
  }

  RunStateView view() {
    return view;
  }

  /** The run, or null after answering the error. */
  RunState find(RoutingContext ctx) {
    if (keys == null) {
      RunState state = view.get(ctx.pathParam("run_id"));
      if (state == null) {
        notFound(ctx);
      }
      return state;
    }
    String project = ctx.pathParam("project");
    ApiError refused = Access.check(keys, ctx, project);
    if (refused != null) {
      refused.send(ctx);
      return null;
    }
    RunState state = view.get(ctx.pathParam("run_id"));
    if (state == null
        || !state.project().equals(project)
        || !state.app().equals(ctx.pathParam("app"))) {
      notFound(ctx);
      return null;
    }
    return state;
  }

  private static void notFound(RoutingContext ctx) {
    ApiError.of(
            ErrorCode.RUN_NOT_FOUND,
            "There is no run '"
                + ctx.pathParam("run_id")
                + "' for this app, or it is older than the retention.")
        .send(ctx);
  }
}
