package dev.hookrun.ops.http;

import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;
import dev.hookrun.ops.OpsException;
import dev.hookrun.ops.OpsService;
import dev.hookrun.ops.OpsSettings;
import dev.hookrun.ops.model.PeekQuery;
import dev.hookrun.ops.model.ReplayFilter;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /ops} routes: the CLI's answers as JSON, behind {@code ADMIN_KEY}.
 *
 * <pre>
 * GET  /ops/topics                      GET /ops/groups
 * GET  /ops/topics/{topic}/records?partition=&amp;offset=&amp;from_end=&amp;key=&amp;count=
 * GET  /ops/runs/{run_id}/trace         GET /ops/dlq
 * POST /ops/runs/{run_id}/redeliver     (202: the delivered webhook is sent once more)
 * POST /ops/dlq/replay  {"run_id": "..."} or {"all": true}
 * POST /ops/dead-letters/replay  {"since", "until", "project", "endpoint", "reason"} (each optional)
 * POST /ops/dead-letters/purge   {"run_id"}, {"run_ids": [...]}, {"all": true} or the replay's filters
 * GET  /ops/endpoints?project=&amp;disabled=   POST /ops/endpoints/enable  {"endpoint": "..."}
 * </pre>
 *
 * Without ADMIN_KEY configured the routes answer 404 (they are off); with it, a request without the
 * key in {@code Authorization} (bare or {@code Bearer}) gets 401, and an address past {@link
 * #FAILED_KEY_BURST} wrong keys gets 429 {@code too_many_attempts} with {@code Retry-After} until
 * its next attempt is due (one each {@link #FAILED_KEY_REFILL}).
 *
 * <p>Mount them only on an admin listener, never on a public port.
 *
 * <p>Over 300 lines (as formatted) on purpose: the route table of {@code /ops} with each route's
 * argument checks next to it; the queries themselves live in {@link dev.hookrun.ops.OpsService}.
 */
public final class OpsRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(OpsRoutes.class);

  /** Wrong admin keys an address may send in a row before it has to wait. */
  static final int FAILED_KEY_BURST = 5;

  /** Then one more attempt per this: guessing a 16-character key stays hopeless. */
  static final Duration FAILED_KEY_REFILL = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final OpsService ops;

  private OpsRoutes(Vertx vertx, OpsService ops) {
    this.vertx = vertx;
    this.ops = ops;
  }

  /**
   * Mounts the routes on {@code router}; nothing else (lag sampling is {@link
   * dev.hookrun.ops.metrics.LagSampler}'s, started and stopped by its owner).
   */
  public static void mount(Vertx vertx, Router router, OpsService ops, OpsSettings settings) {
    mount(vertx, router, ops, settings, FailedKeyAttempts.forAdminKey(), ctx -> false);
  }

  /**
   * As {@link #mount(Vertx, Router, OpsService, OpsSettings)}, counting wrong keys in {@code
   * failures}, and also letting through a request that {@code signedIn} vouches for (the console's
   * session, which checks its own CSRF token on a POST) instead of one with the key.
   */
  public static void mount(
      Vertx vertx,
      Router router,
      OpsService ops,
      OpsSettings settings,
      FailedKeyAttempts failures,
      Predicate<RoutingContext> signedIn) {
    OpsRoutes routes = new OpsRoutes(vertx, ops);
    router
        .route("/ops/*")
        .handler(
            ctx -> {
              if (settings.adminKey() != null && signedIn.test(ctx)) {
                ctx.next();
              } else {
                authorize(ctx, settings.adminKey(), failures);
              }
            });
    router
        .get("/ops/topics")
        .handler(
            ctx ->
                routes.answer(
                    ctx,
                    () -> {
                      JsonArray list = new JsonArray();
                      ops.topics().forEach(t -> list.add(t.toJson()));
                      return new JsonObject().put("topics", list);
                    }));
    router
        .get("/ops/topics/:topic/records")
        .handler(ctx -> routes.answer(ctx, () -> ops.peek(peekQuery(ctx)).toJson()));
    router.get("/ops/groups").handler(ctx -> routes.answer(ctx, () -> ops.groups().toJson()));
    router
        .get("/ops/runs/:run_id/trace")
        .handler(ctx -> routes.answer(ctx, () -> ops.trace(ctx.pathParam("run_id")).toJson()));
    router
        .post("/ops/runs/:run_id/redeliver")
        .handler(ctx -> routes.answer(ctx, 202, () -> ops.redeliver(ctx.pathParam("run_id"))));
    router
        .get("/ops/dlq")
        .handler(
            ctx ->
                routes.answer(
                    ctx,
                    () -> {
                      JsonArray list = new JsonArray();
                      ops.deadLetters().list().forEach(d -> list.add(d.toJson()));
                      return new JsonObject().put("count", list.size()).put("dead_letters", list);
                    }));
    router
        .post("/ops/dlq/replay")
        .handler(BodyHandler.create(false).setBodyLimit(4_096))
        .handler(ctx -> routes.replay(ctx));
    router
        .post("/ops/dead-letters/replay")
        .handler(BodyHandler.create(false).setBodyLimit(4_096))
        .handler(ctx -> routes.answer(ctx, () -> routes.replayMatching(jsonBody(ctx))));
    router
        .post("/ops/dead-letters/purge")
        .handler(BodyHandler.create(false).setBodyLimit(262_144))
        .handler(ctx -> routes.answer(ctx, () -> routes.purge(jsonBody(ctx))));
    router
        .get("/ops/endpoints")
        .handler(
            ctx ->
                routes.answer(
                    ctx,
                    () -> {
                      String disabled = ctx.queryParams().get("disabled");
                      if (disabled != null && !disabled.matches("true|false")) {
                        throw OpsException.badRequest("disabled must be true or false.");
                      }
                      JsonArray list = new JsonArray();
                      ops.endpoints()
                          .list(
                              ctx.queryParams().get("project"),
                              disabled == null ? null : Boolean.valueOf(disabled))
                          .forEach(e -> list.add(e.toJson()));
                      return new JsonObject().put("count", list.size()).put("endpoints", list);
                    }));
    router
        .post("/ops/endpoints/enable")
        .handler(BodyHandler.create(false).setBodyLimit(4_096))
        .handler(
            ctx ->
                routes.answer(
                    ctx,
                    () -> {
                      Object endpoint = jsonBody(ctx).getValue("endpoint");
                      if (!(endpoint instanceof String e) || e.isBlank()) {
                        throw OpsException.badRequest(
                            "Send {\"endpoint\": \"https://...\"} as JSON.");
                      }
                      return ops.endpoints().enable(e).toJson();
                    }));
  }

  /** The filtered replay: every field optional, since and until in RFC 3339. */
  private JsonObject replayMatching(JsonObject body) {
    ReplayFilter filter =
        new ReplayFilter(
            instant(body, "since"),
            instant(body, "until"),
            text(body, "project"),
            text(body, "endpoint"),
            text(body, "reason"));
    return ops.deadLetters().replayMatching(filter).toJson().put("filter", filter.toJson());
  }

  /**
   * The purge: of the runs named, or of every dead letter the filters match. It cannot be undone,
   * so an empty body purges nothing (400) where the replay's would replay everything: all of them
   * takes {@code {"all": true}}.
   */
  private JsonObject purge(JsonObject body) {
    Object one = body.getValue("run_id");
    Object many = body.getValue("run_ids");
    boolean all = Boolean.TRUE.equals(body.getValue("all"));
    ReplayFilter filter =
        new ReplayFilter(
            instant(body, "since"),
            instant(body, "until"),
            text(body, "project"),
            text(body, "endpoint"),
            text(body, "reason"));
    boolean filtered = !filter.equals(new ReplayFilter(null, null, null, null, null));
    int ways = (one != null ? 1 : 0) + (many != null ? 1 : 0) + (all ? 1 : 0) + (filtered ? 1 : 0);
    if (ways != 1) {
      throw OpsException.badRequest(
          "Send one of {\"run_id\": \"...\"}, {\"run_ids\": [...]}, {\"all\": true} or filters"
              + " (since, until, project, endpoint, reason).");
    }
    java.util.Set<String> runs = new java.util.HashSet<>();
    if (one != null) {
      if (!(one instanceof String id) || id.isBlank()) {
        throw OpsException.badRequest("run_id must be a run id.");
      }
      runs.add(id);
    }
    if (many != null) {
      if (!(many instanceof JsonArray ids)
          || ids.isEmpty()
          || ids.stream().anyMatch(id -> !(id instanceof String s) || s.isBlank())) {
        throw OpsException.badRequest("run_ids must be a list of run ids.");
      }
      ids.forEach(id -> runs.add((String) id));
    }
    java.util.List<String> purged =
        ops.deadLetters()
            .purgeMatching(
                letter -> runs.isEmpty() ? filter.test(letter) : runs.contains(letter.runId()));
    if (one != null && purged.isEmpty()) {
      throw OpsException.notFound("Run " + one + " has no dead letter.");
    }
    return new JsonObject()
        .put("purged", purged.size())
        .put("runs", new JsonArray(purged))
        .put("filter", filtered ? filter.toJson() : null);
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      return body == null ? new JsonObject() : body;
    } catch (DecodeException | ClassCastException e) {
      throw OpsException.badRequest("The body must be a JSON object.");
    }
  }

  private static String text(JsonObject body, String name) {
    Object value = body.getValue(name);
    if (value != null && !(value instanceof String)) {
      throw OpsException.badRequest(name + " must be a string.");
    }
    return value == null || ((String) value).isBlank() ? null : (String) value;
  }

  private static Instant instant(JsonObject body, String name) {
    String value = text(body, name);
    try {
      return value == null ? null : OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw OpsException.badRequest(name + " must be an RFC 3339 time, e.g. 2026-01-31T12:00:00Z.");
    }
  }

  private void replay(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null) {
      ApiError.of(ErrorCode.BAD_REQUEST, "Send {\"run_id\": \"...\"} or {\"all\": true} as JSON.")
          .send(ctx);
      return;
    }
    String runId = body.getValue("run_id") instanceof String s ? s : null;
    boolean all = Boolean.TRUE.equals(body.getValue("all"));
    if ((runId == null) == !all) {
      ApiError.of(ErrorCode.BAD_REQUEST, "Send either {\"run_id\": \"...\"} or {\"all\": true}.")
          .send(ctx);
      return;
    }
    answer(
        ctx,
        () -> (all ? ops.deadLetters().replayAll() : ops.deadLetters().replay(runId)).toJson());
  }

  /** Runs a blocking ops query on a worker thread and answers with its JSON or its error. */
  private void answer(RoutingContext ctx, Callable<JsonObject> query) {
    answer(ctx, 200, query);
  }

  private void answer(RoutingContext ctx, int status, Callable<JsonObject> query) {
    vertx
        .executeBlocking(query, false)
        .onComplete(
            done -> {
              if (done.succeeded()) {
                ctx.response()
                    .setStatusCode(status)
                    .putHeader("Content-Type", "application/json")
                    .end(done.result().encode());
                return;
              }
              Throwable error = done.cause();
              if (error instanceof OpsException ops) {
                ApiError.of(ops.kind().code, ops.getMessage()).send(ctx);
              } else {
                LOG.error("ops query {} failed", ctx.request().path(), error);
                ApiError.of(ErrorCode.INTERNAL_ERROR, "The ops query failed: " + error.getMessage())
                    .send(ctx);
              }
            });
  }

  private static void authorize(RoutingContext ctx, String adminKey, FailedKeyAttempts failures) {
    if (adminKey == null) {
      ApiError.of(ErrorCode.OPS_DISABLED, "The ops routes are off: set ADMIN_KEY on the gateway.")
          .send(ctx);
      return;
    }
    String address = clientAddress(ctx);
    long waitNanos = failures.waitFor(address);
    if (waitNanos > 0) {
      long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
      ctx.response().putHeader("Retry-After", Long.toString(seconds));
      ApiError.of(
              ErrorCode.TOO_MANY_ATTEMPTS,
              "Too many wrong admin keys from this address: retry in " + seconds + " s.")
          .send(ctx);
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    String given = header == null ? "" : header.trim();
    if (given.regionMatches(true, 0, "Bearer ", 0, 7)) {
      given = given.substring(7).trim();
    }
    // constant-time: the comparison must not tell how much of a guess was right
    if (!MessageDigest.isEqual(
        given.getBytes(StandardCharsets.UTF_8), adminKey.getBytes(StandardCharsets.UTF_8))) {
      failures.failed(address);
      ApiError.of(ErrorCode.UNAUTHORIZED, "Send the admin key in the Authorization header.")
          .send(ctx);
      return;
    }
    ctx.next();
  }

  /** The address {@link FailedKeyAttempts} counts a request's wrong keys against. */
  public static String clientAddress(RoutingContext ctx) {
    var remote = ctx.request().remoteAddress();
    return remote == null ? "" : remote.hostAddress();
  }

  private static PeekQuery peekQuery(RoutingContext ctx) {
    return new PeekQuery(
        ctx.pathParam("topic"),
        intParam(ctx, "partition"),
        longParam(ctx, "offset"),
        intParam(ctx, "from_end"),
        ctx.queryParams().get("key"),
        intParam(ctx, "count") == null ? 20 : intParam(ctx, "count"));
  }

  private static Integer intParam(RoutingContext ctx, String name) {
    Long value = longParam(ctx, name);
    if (value != null && (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE)) {
      throw OpsException.badRequest(name + " is out of range.");
    }
    return value == null ? null : value.intValue();
  }

  private static Long longParam(RoutingContext ctx, String name) {
    String raw = ctx.queryParams().get(name);
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      return Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw OpsException.badRequest(name + " must be a whole number.");
    }
  }
}
