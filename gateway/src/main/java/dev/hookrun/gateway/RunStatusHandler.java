package dev.hookrun.gateway;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /v3/{project}/{app}/runs/{run_id}}. */
final class RunStatusHandler implements Handler<RoutingContext> {

  private final RunLookup lookup;
  private final ResultLinks links;

  RunStatusHandler(RunLookup lookup, ResultLinks links) {
    this.lookup = lookup;
    this.links = links;
  }

  @Override
  public void handle(RoutingContext ctx) {
    RunState state = lookup.find(ctx);
    if (state != null) {
      JsonReply.send(ctx, 200, links.status(state, lookup.view(), ctx.request()));
    }
  }
}
