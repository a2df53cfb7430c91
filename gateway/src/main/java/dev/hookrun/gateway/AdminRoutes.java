package dev.hookrun.gateway;

import dev.hookrun.common.health.HealthRoutes;
import dev.hookrun.common.health.ReadinessCheck;
import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;
import dev.hookrun.gateway.console.ConsoleRoutes;
import dev.hookrun.ops.OpsService;
import dev.hookrun.ops.http.FailedKeyAttempts;
import dev.hookrun.ops.http.OpsRoutes;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener's routes: {@code /ops}, {@code /console}, {@code /metrics} and the probes, on
 * ADMIN_HTTP_HOST:ADMIN_HTTP_PORT only. Its own class, like {@link ApiRoutes}, so that {@link
 * GatewayVerticle} reads as the start and stop order; it hands back the {@link OpsService} the
 * gateway's lag sampler reads.
 */
final class AdminRoutes {

  /** Under the gateway's name: operators filter its log by that. */
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

  /** The admin router, and the ops service behind {@code /ops} and the console. */
  record Built(Router router, OpsService ops) {}

  private AdminRoutes() {}

  static Built build(
      Vertx vertx,
      GatewayConfig config,
      ReadinessCheck readiness,
      ConsoleViews consoleViews,
      OperatorRunActions operatorActions) {
    Router admin = Router.router(vertx);
    HealthRoutes.mount(admin, readiness);
    OpsService ops = OpsService.create(config.kafka());
    // one wrong-key limiter for /ops and the console's sign-in
    FailedKeyAttempts failedKeys = FailedKeyAttempts.forAdminKey();
    ConsoleRoutes console =
        ConsoleRoutes.mount(
            vertx, admin, ops, config.ops().adminKey(), failedKeys, consoleViews, config.console());
    OpsRoutes.mount(vertx, admin, ops, config.ops(), failedKeys, console::signedIn);
    operatorActions.mount(admin);
    admin.errorHandler(404, ctx -> ApiError.of(ErrorCode.NOT_FOUND, "No such route.").send(ctx));
    admin.errorHandler(
        500,
        ctx -> {
          LOG.error("unhandled error on admin {}", ctx.request().path(), ctx.failure());
          ApiError.of(ErrorCode.INTERNAL_ERROR, "Something went wrong on our side.").send(ctx);
        });
    return new Built(admin, ops);
  }
}
