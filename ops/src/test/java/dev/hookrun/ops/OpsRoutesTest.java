package dev.hookrun.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.ops.http.OpsRoutes;
import dev.hookrun.testkit.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The /ops routes: the admin key guards them, answers and errors are JSON. */
class OpsRoutesTest {

  private static final String ADMIN_KEY = "admin-key-0123456789";
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private TestHttp serve(TestTopics t, String adminKey) {
    Router router = Router.router(vertx);
    OpsRoutes.mount(
        vertx, router, OpsService.create(t.kafka), new OpsSettings(adminKey, Duration.ZERO));
    HttpServer server =
        vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    return new TestHttp(server.actualPort(), "unused");
  }

  @Test
  void refusesWithoutTheAdminKey() throws Exception {
    try (TestTopics t = new TestTopics("routes").create(Map.of("requests", 2))) {
      TestHttp http = serve(t, ADMIN_KEY);
      var none = http.send("GET", "/ops/topics", Map.of(), null);
      assertEquals(401, none.status());
      assertEquals("unauthorized", none.json().getJsonObject("error").getString("code"));
      assertEquals(
          401,
          http.send("GET", "/ops/groups", Map.of("Authorization", "wrong-key-0123456789"), null)
              .status());
      assertEquals(
          401,
          http.send(
                  "POST",
                  "/ops/dlq/replay",
                  Map.of("Content-Type", "application/json"),
                  "{\"all\": true}")
              .status());

      var bare = http.send("GET", "/ops/topics", Map.of("Authorization", ADMIN_KEY), null);
      assertEquals(200, bare.status());
      assertEquals(
          t.topic("requests"),
          bare.json().getJsonArray("topics").getJsonObject(0).getString("topic"));
      var bearer =
          http.send("GET", "/ops/groups", Map.of("Authorization", "Bearer " + ADMIN_KEY), null);
      assertEquals(200, bearer.status());
      assertTrue(bearer.json().getJsonArray("groups").isEmpty());
    }
  }

  @Test
  void answersErrorsAsJson() throws Exception {
    try (TestTopics t = new TestTopics("routes").create(Map.of("requests", 2))) {
      TestHttp http = serve(t, ADMIN_KEY);
      Map<String, String> auth =
          Map.of("Authorization", ADMIN_KEY, "Content-Type", "application/json");
      var unknown = http.send("GET", "/ops/topics/nope/records", auth, null);
      assertEquals(404, unknown.status());
      assertEquals("not_found", unknown.json().getJsonObject("error").getString("code"));
      var badParam = http.send("GET", "/ops/topics/requests/records?offset=x", auth, null);
      assertEquals(400, badParam.status());
      var badBody =
          http.send("POST", "/ops/dlq/replay", auth, "{\"run_id\": \"a\", \"all\": true}");
      assertEquals(400, badBody.status());
      var noLetter = http.send("POST", "/ops/dlq/replay", auth, "{\"run_id\": \"missing\"}");
      assertEquals(404, noLetter.status());
      var trace = http.send("GET", "/ops/runs/some-run/trace", auth, null);
      assertEquals(200, trace.status());
      assertEquals("some-run", trace.json().getString("run_id"));
      var dlq = http.send("GET", "/ops/dlq", auth, null);
      assertEquals(0, dlq.json().getInteger("count"));
    }
  }

  @Test
  void opsRoutesAreOffWithoutAnAdminKey() throws Exception {
    try (TestTopics t = new TestTopics("routes").create(Map.of("requests", 2))) {
      var off =
          serve(t, null).send("GET", "/ops/topics", Map.of("Authorization", "anything"), null);
      assertEquals(404, off.status());
      assertEquals("ops_disabled", off.json().getJsonObject("error").getString("code"));
    }
  }
}
