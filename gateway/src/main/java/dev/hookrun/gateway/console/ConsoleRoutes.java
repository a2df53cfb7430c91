package dev.hookrun.gateway.console;

import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;
import dev.hookrun.ops.OpsService;
import dev.hookrun.ops.http.FailedKeyAttempts;
import dev.hookrun.ops.http.OpsRoutes;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Clock;

/**
 * The operator's console at {@code /console} on the admin listener: a sign-in with the admin key,
 * then pages that read the {@code /ops} routes (the session's cookie stands in for the key there)
 * and {@code /console/api/overview}. Off, like {@code /ops}, while ADMIN_KEY is unset.
 *
 * <p>The key is only ever in the sign-in form's POST body: never in a URL, a page or a cookie.
 */
public final class ConsoleRoutes {

  private static final String SIGN_IN_COOKIE = "hookrun_console_sign_in";

  private final String adminKey;
  private final FailedKeyAttempts failures;
  private final ConsoleSessions sessions;
  private final ConsolePages pages;

  private ConsoleRoutes(
      String adminKey, FailedKeyAttempts failures, ConsoleSessions sessions, ConsolePages pages) {
    this.adminKey = adminKey;
    this.failures = failures;
    this.sessions = sessions;
    this.pages = pages;
  }

  /**
   * Mounts the console on {@code router}; pass the answer's {@link #signedIn} and {@code failures}
   * to {@link OpsRoutes#mount(Vertx, Router, OpsService, dev.hookrun.ops.OpsSettings,
   * FailedKeyAttempts, java.util.function.Predicate)} so the pages can read {@code /ops}.
   */
  public static ConsoleRoutes mount(
      Vertx vertx,
      Router router,
      OpsService ops,
      String adminKey,
      FailedKeyAttempts failures,
      ConsoleSource source,
      ConsoleSettings settings) {
    ConsoleRoutes routes =
        new ConsoleRoutes(
            adminKey,
            failures,
            new ConsoleSessions(vertx, Clock.systemUTC(), settings.sessionTtl()),
            ConsolePages.load());
    ConsoleOverview overview = new ConsoleOverview(vertx, ops, source);
    router.route("/console*").handler(routes::headers);
    router.get("/console").handler(routes::page);
    router.get("/console/").handler(ctx -> redirect(ctx, "/console"));
    router
        .post("/console/sign-in")
        .handler(BodyHandler.create(false).setBodyLimit(4_096))
        .handler(routes::signIn);
    router
        .post("/console/sign-out")
        .handler(BodyHandler.create(false).setBodyLimit(4_096))
        .handler(routes::signOut);
    router
        .get("/console/api/overview")
        .handler(
            ctx -> {
              if (routes.refused(ctx)) {
                return;
              }
              overview.overview().onSuccess(json -> json(ctx, json)).onFailure(ctx::fail);
            });
    router
        .get("/console/api/runs")
        .handler(
            ctx -> {
              if (routes.refused(ctx)) {
                return;
              }
              RunQuery query;
              try {
                query = RunQuery.of(ctx.queryParams());
              } catch (RunQuery.Invalid e) {
                e.error.send(ctx);
                return;
              }
              json(ctx, source.runs(query));
            });
    router
        .get("/console/api/runs/:run_id")
        .handler(
            ctx -> {
              if (routes.refused(ctx)) {
                return;
              }
              var run = source.run(ctx.pathParam("run_id"));
              if (run == null) {
                ApiError.of(
                        ErrorCode.RUN_NOT_FOUND,
                        "This gateway has no run '"
                            + ctx.pathParam("run_id")
                            + "' in its view (unknown, or older than the retention).")
                    .send(ctx);
                return;
              }
              json(ctx, run);
            });
    router
        .get("/console/static/*")
        .handler(StaticHandler.create("console/static").setCachingEnabled(false));
    router
        .get("/console/lib/uplot/*")
        .handler(StaticHandler.create(ConsolePages.UPLOT_DIST).setCachingEnabled(false));
    return routes;
  }

  /** Whether the request comes from a signed-in console (with its CSRF token on a POST). */
  public boolean signedIn(RoutingContext ctx) {
    return adminKey != null && sessions.authorizes(ctx);
  }

  private boolean refused(RoutingContext ctx) {
    if (adminKey == null) {
      ApiError.of(ErrorCode.OPS_DISABLED, "The console is off: set ADMIN_KEY on the gateway.")
          .send(ctx);
      return true;
    }
    if (!signedIn(ctx)) {
      ApiError.of(ErrorCode.UNAUTHORIZED, "Sign in to the console first.").send(ctx);
      return true;
    }
    return false;
  }

  private void headers(RoutingContext ctx) {
    ctx.response()
        .putHeader(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Cache-Control", "no-store");
    ctx.next();
  }

  private void page(RoutingContext ctx) {
    if (adminKey == null) {
      html(ctx, 404, pages.off());
      return;
    }
    String csrf = sessions.csrfOf(ctx);
    if (csrf != null) {
      html(ctx, 200, pages.console(csrf));
    } else {
      signInPage(ctx, 200, null);
    }
  }

  /**
   * The sign-in form carries a fresh token that must come back with the key, matching a cookie of
   * the same value: a page elsewhere cannot sign this browser in under the operator's key.
   */
  private void signInPage(RoutingContext ctx, int status, String error) {
    String token = ConsoleSessions.randomToken();
    ctx.response()
        .addCookie(
            io.vertx.core.http.Cookie.cookie(SIGN_IN_COOKIE, token)
                .setPath("/console")
                .setHttpOnly(true)
                .setSameSite(io.vertx.core.http.CookieSameSite.STRICT)
                .setMaxAge(900));
    html(ctx, status, pages.signIn(token, error));
  }

  private void signIn(RoutingContext ctx) {
    if (adminKey == null) {
      html(ctx, 404, pages.off());
      return;
    }
    String address = OpsRoutes.clientAddress(ctx);
    long waitNanos = failures.waitFor(address);
    if (waitNanos > 0) {
      long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
      ctx.response().putHeader("Retry-After", Long.toString(seconds));
      signInPage(
          ctx, 429, "Too many wrong keys from this address: try again in " + seconds + " s.");
      return;
    }
    var cookie = ctx.request().getCookie(SIGN_IN_COOKIE);
    String formToken = ctx.request().getFormAttribute(ConsoleSessions.CSRF_FIELD);
    if (cookie == null
        || formToken == null
        || !ConsoleSessions.same(cookie.getValue(), formToken)) {
      signInPage(ctx, 403, "The sign-in form expired: enter the key again.");
      return;
    }
    String key = ctx.request().getFormAttribute("key");
    if (key == null || !ConsoleSessions.same(key.trim(), adminKey)) {
      failures.failed(address);
      signInPage(ctx, 401, "Wrong admin key.");
      return;
    }
    sessions.start(ctx);
    redirect(ctx, "/console");
  }

  private void signOut(RoutingContext ctx) {
    if (!signedIn(ctx)) {
      html(ctx, 403, pages.message("Not signed out", "That request carried no valid session."));
      return;
    }
    sessions.end(ctx);
    redirect(ctx, "/console");
  }

  private static void json(RoutingContext ctx, io.vertx.core.json.JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static void redirect(RoutingContext ctx, String to) {
    ctx.response().setStatusCode(303).putHeader("Location", to).end();
  }

  private static void html(RoutingContext ctx, int status, String body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .end(body);
  }
}
