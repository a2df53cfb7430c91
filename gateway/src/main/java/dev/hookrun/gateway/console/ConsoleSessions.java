package dev.hookrun.gateway.console;

import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * Signed-in console sessions: a random token in an HttpOnly, SameSite=Strict cookie, and per
 * session a CSRF token every POST must carry. Held in the process's shared map, so every gateway
 * instance of one process (they share the admin port) knows every session; a restart signs everyone
 * out, which is the safe side.
 */
final class ConsoleSessions {

  static final String COOKIE = "hookrun_console";
  static final String CSRF_HEADER = "X-CSRF-Token";
  static final String CSRF_FIELD = "csrf";

  /** Sessions at once: more and the oldest go (each sign-in needs the key anyway). */
  private static final int MAX_SESSIONS = 1_000;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final LocalMap<String, JsonObject> sessions;
  private final Clock clock;
  private final Duration ttl;

  /**
   * {@code ttl}: CONSOLE_SESSION_TTL, a working day by default (long enough not to interrupt an
   * incident, short enough to forget a laptop).
   */
  ConsoleSessions(Vertx vertx, Clock clock, Duration ttl) {
    this.sessions = vertx.sharedData().getLocalMap("hookrun.console.sessions");
    this.clock = clock;
    this.ttl = ttl;
  }

  /** Starts a session and sets its cookie on the response; answers its CSRF token. */
  String start(RoutingContext ctx) {
    long now = clock.millis();
    sessions.keySet().stream()
        .filter(token -> expired(sessions.get(token), now))
        .toList()
        .forEach(sessions::remove);
    if (sessions.size() >= MAX_SESSIONS) {
      sessions.keySet().stream()
          .min(java.util.Comparator.comparingLong(t -> sessions.get(t).getLong("expires", 0L)))
          .ifPresent(sessions::remove);
    }
    String token = randomToken();
    String csrf = randomToken();
    sessions.put(token, new JsonObject().put("expires", now + ttl.toMillis()).put("csrf", csrf));
    ctx.response().addCookie(cookie(token, ttl.toSeconds()));
    return csrf;
  }

  /** Ends the request's session, if any, and clears its cookie. */
  void end(RoutingContext ctx) {
    String token = token(ctx);
    if (token != null) {
      sessions.remove(token);
    }
    ctx.response().addCookie(cookie("", 0));
  }

  /** The request's session's CSRF token, or null when it has no live session. */
  String csrfOf(RoutingContext ctx) {
    String token = token(ctx);
    JsonObject session = token == null ? null : sessions.get(token);
    if (session == null || expired(session, clock.millis())) {
      return null;
    }
    return session.getString("csrf");
  }

  /**
   * A live session, and on anything but GET and HEAD the session's CSRF token in the {@code
   * X-CSRF-Token} header or the {@code csrf} form field.
   */
  boolean authorizes(RoutingContext ctx) {
    String csrf = csrfOf(ctx);
    if (csrf == null) {
      return false;
    }
    String method = ctx.request().method().name();
    if (method.equals("GET") || method.equals("HEAD")) {
      return true;
    }
    String given = ctx.request().getHeader(CSRF_HEADER);
    if (given == null) {
      given = ctx.request().getFormAttribute(CSRF_FIELD);
    }
    return given != null && same(given, csrf);
  }

  static boolean same(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  static String randomToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static boolean expired(JsonObject session, long now) {
    return session == null || session.getLong("expires", 0L) <= now;
  }

  private static String token(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(COOKIE);
    return cookie == null || cookie.getValue().isEmpty() ? null : cookie.getValue();
  }

  /**
   * Path / so the browser sends it to the {@code /ops} routes the console reads. Not Secure: the
   * admin listener speaks plain HTTP on a private address (a browser drops a Secure cookie set over
   * plain HTTP); put TLS in front of it to reach it from elsewhere.
   */
  private static Cookie cookie(String value, long maxAgeSeconds) {
    return Cookie.cookie(COOKIE, value)
        .setPath("/")
        .setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT)
        .setMaxAge(maxAgeSeconds);
  }
}
