package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.testkit.SharedTestBroker;
import dev.hookrun.testkit.TestEnv;
import dev.hookrun.testkit.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The published OpenAPI document and the routes the gateway really serves are the same set. */
class OpenApiTest {

  private static final Pattern PATH_PARAM = Pattern.compile(":([A-Za-z_]+)");
  private static Vertx vertx;
  private static GatewayVerticle gateway;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    gateway =
        new GatewayVerticle(
            GatewayConfig.fromEnv(
                TestEnv.gateway(
                    SharedTestBroker.bootstrapServers(),
                    "openapi-" + UUID.randomUUID() + ".",
                    "k=p",
                    Map.of())));
    vertx.deployVerticle(gateway).await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @SuppressWarnings("unchecked")
  private static Set<String> documented() throws Exception {
    try (InputStream in = OpenApiTest.class.getResourceAsStream("/openapi.yaml")) {
      Map<String, Object> doc = new Yaml().load(in);
      Set<String> out = new HashSet<>();
      ((Map<String, Map<String, Object>>) doc.get("paths"))
          .forEach(
              (path, ops) ->
                  ops.keySet()
                      .forEach(method -> out.add(method.toUpperCase(Locale.ROOT) + " " + path)));
      return out;
    }
  }

  private static Set<String> served() {
    Set<String> out = new HashSet<>();
    for (Route route : gateway.routes().getRoutes()) {
      if (route.getPath() == null || route.methods() == null || route.methods().isEmpty()) {
        continue; // body handlers and other filters, not endpoints
      }
      Matcher m = PATH_PARAM.matcher(route.getPath());
      String path = m.replaceAll("{$1}");
      route.methods().forEach(method -> out.add(method.name() + " " + path));
    }
    return out;
  }

  @Test
  void everyServedRouteIsDocumentedAndEveryDocumentedRouteIsServed() throws Exception {
    Set<String> served = served();
    Set<String> documented = documented();
    Set<String> publicServed = new HashSet<>(served);
    publicServed.removeIf(
        route ->
            route.contains(" /ops") || route.contains(" /metrics") || route.contains(" /readyz"));
    Set<String> publicDocumented = new HashSet<>(documented);
    publicDocumented.removeIf(
        route ->
            route.contains(" /ops") || route.contains(" /metrics") || route.contains(" /readyz"));
    assertEquals(publicDocumented, publicServed);
    assertTrue(served.contains("POST /v3/{project}/{app}/predict"));
  }

  @Test
  void theDocumentIsServed() {
    var response = new TestHttp(gateway.actualPort(), "k").get("/openapi.yaml");
    assertEquals(200, response.status());
    assertTrue(response.json().getString("non_json_body").startsWith("openapi: 3"));
  }
}
