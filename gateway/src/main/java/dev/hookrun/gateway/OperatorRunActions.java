package dev.hookrun.gateway;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * An operator's cancel and retry of any project's run, on the admin listener: {@code POST
 * /ops/runs/{run_id}/cancel} and {@code …/retry}, answered like the API's routes of the same name.
 * The {@code /ops/*} guard in front (the admin key, or a console session with its CSRF token) is
 * the only check; the run is found by its id alone ({@link RunLookup#forOperator}).
 */
final class OperatorRunActions {

  private final Handler<RoutingContext> cancel;
  private final Handler<RoutingContext> retry;

  OperatorRunActions(Handler<RoutingContext> cancel, Handler<RoutingContext> retry) {
    this.cancel = cancel;
    this.retry = retry;
  }

  /** Mounts the routes; call after the {@code /ops/*} guard is on {@code admin}. */
  void mount(Router admin) {
    admin.post("/ops/runs/:run_id/cancel").handler(cancel);
    admin.post("/ops/runs/:run_id/retry").handler(retry);
  }
}
