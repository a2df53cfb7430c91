package dev.hookrun.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.config.Env;
import dev.hookrun.common.config.ProcessSettings;
import dev.hookrun.common.config.Setting;
import dev.hookrun.common.health.HealthRoutes;
import dev.hookrun.common.metrics.Meters;
import dev.hookrun.common.metrics.ServiceMetrics;
import dev.hookrun.dispatcher.DispatcherConfig;
import dev.hookrun.gateway.GatewayConfig;
import dev.hookrun.scheduler.SchedulerConfig;
import dev.hookrun.worker.WorkerConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kubernetes manifests under deploy/ are checked against the code (no cluster here): every
 * environment name a stage gets is one of its settings, probes hit routes that exist on the stage's
 * own port, a worker has time to drain before it is killed, dispatchers do not scale past the
 * partitions that give them work, and workers scale on the scheduler's queue.
 */
class DeployManifestsTest {

  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final Map<String, List<Setting>> STAGES =
      Map.of(
          "gateway",
          GatewayConfig.SETTINGS,
          "scheduler",
          SchedulerConfig.SETTINGS,
          "worker",
          WorkerConfig.SETTINGS,
          "dispatcher",
          DispatcherConfig.SETTINGS);

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> documents() throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    try (Stream<Path> files = Files.list(DEPLOY.resolve("base"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object doc : new Yaml().loadAll(Files.readString(file))) {
          if (doc != null) {
            docs.add((Map<String, Object>) doc);
          }
        }
      }
    }
    return docs;
  }

  private static List<Map<String, Object>> ofKind(List<Map<String, Object>> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> named(
      List<Map<String, Object>> docs, String kind, String name) {
    return ofKind(docs, kind).stream()
        .filter(d -> name.equals(((Map<String, Object>) d.get("metadata")).get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> configMap(List<Map<String, Object>> docs, String name) {
    Map<String, String> data = new HashMap<>();
    ((Map<String, Object>) named(docs, "ConfigMap", name).get("data"))
        .forEach((k, v) -> data.put(k, v.toString()));
    return data;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> container(Map<String, Object> deployment) {
    Map<String, Object> pod =
        (Map<String, Object>)
            ((Map<String, Object>) ((Map<String, Object>) deployment.get("spec")).get("template"))
                .get("spec");
    return ((List<Map<String, Object>>) pod.get("containers")).get(0);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> podSpec(Map<String, Object> deployment) {
    return (Map<String, Object>)
        ((Map<String, Object>) ((Map<String, Object>) deployment.get("spec")).get("template"))
            .get("spec");
  }

  /** What the container's environment will hold: env entries plus the ConfigMaps it imports. */
  @SuppressWarnings("unchecked")
  private static Map<String, String> environment(
      List<Map<String, Object>> docs, Map<String, Object> container) {
    Map<String, String> env = new HashMap<>();
    for (Map<String, Object> from :
        (List<Map<String, Object>>) container.getOrDefault("envFrom", List.of())) {
      Map<String, Object> ref = (Map<String, Object>) from.get("configMapRef");
      assertNotNull(ref, "envFrom only from ConfigMaps; keys come one by one from the Secret");
      env.putAll(configMap(docs, ref.get("name").toString()));
    }
    for (Map<String, Object> e :
        (List<Map<String, Object>>) container.getOrDefault("env", List.of())) {
      env.put(
          e.get("name").toString(),
          Objects.toString(e.get("value"), "<from " + e.get("valueFrom") + ">"));
    }
    return env;
  }

  @Test
  @SuppressWarnings("unchecked")
  void theKustomizationsListFilesThatExist() throws IOException {
    for (Path dir : List.of(DEPLOY.resolve("base"), DEPLOY.resolve("overlays/example"))) {
      Map<String, Object> k = new Yaml().load(Files.readString(dir.resolve("kustomization.yaml")));
      for (String resource : (List<String>) k.get("resources")) {
        assertTrue(Files.exists(dir.resolve(resource)), dir + " lists missing " + resource);
      }
    }
    String secrets = Files.readString(DEPLOY.resolve("overlays/example/secrets.env.example"));
    for (String key : List.of("API_KEYS", "ADMIN_KEY", "WEBHOOK_SECRETS")) {
      assertTrue(secrets.contains(key + "="), "the example secret has " + key);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyEnvironmentNameIsASettingOfItsStageAndKeysComeFromTheSecret() throws IOException {
    var docs = documents();
    assertEquals(4, ofKind(docs, "Deployment").size());
    STAGES.forEach(
        (stage, settings) -> {
          Map<String, Object> container =
              container(uncheck(() -> named(docs, "Deployment", "hookrun-" + stage)));
          assertEquals(
              List.of(stage), container.get("args"), "the image's entry point picks the stage");
          Set<String> known =
              settings.stream().map(Setting::name).collect(Collectors.toCollection(HashSet::new));
          ProcessSettings.SETTINGS.forEach(s -> known.add(s.name()));
          Map<String, String> env = uncheck(() -> environment(docs, container));
          Set<String> unknown = new HashSet<>(env.keySet());
          unknown.removeAll(known);
          assertTrue(unknown.isEmpty(), stage + " gets variables it does not read: " + unknown);
          assertTrue(env.containsKey("KAFKA_BOOTSTRAP_SERVERS"), stage);
          for (Map<String, Object> e :
              (List<Map<String, Object>>) container.getOrDefault("env", List.of())) {
            Map<String, Object> from = (Map<String, Object>) e.get("valueFrom");
            if (from != null && from.containsKey("secretKeyRef")) {
              assertEquals(
                  "hookrun-secrets", ((Map<String, Object>) from.get("secretKeyRef")).get("name"));
            }
          }
          Map<String, Object> requests =
              (Map<String, Object>)
                  ((Map<String, Object>) container.get("resources")).get("requests");
          assertTrue(
              requests.containsKey("cpu") && requests.containsKey("memory"),
              stage + " has resource requests");
        });
    Map<String, String> gatewayEnv =
        environment(docs, container(named(docs, "Deployment", "hookrun-gateway")));
    assertTrue(
        gatewayEnv.get("API_KEYS").contains("secretKeyRef"), "API_KEYS comes from the Secret");
    for (Map<String, Object> cm : ofKind(docs, "ConfigMap")) {
      Set<String> keys = ((Map<String, Object>) cm.get("data")).keySet();
      assertTrue(
          keys.stream()
              .noneMatch(
                  k ->
                      k.equals("API_KEYS") || k.equals("ADMIN_KEY") || k.equals("WEBHOOK_SECRETS")),
          "keys never in a ConfigMap");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void probesHitRoutesThatExistOnTheStagesOwnPort() throws IOException {
    var docs = documents();
    Vertx vertx = Vertx.vertx();
    Set<String> routes;
    try {
      Router router = Router.router(vertx);
      HealthRoutes.mount(router, null); // the readiness check is only consulted per request
      routes =
          router.getRoutes().stream()
              .map(Route::getPath)
              .filter(Objects::nonNull)
              .collect(Collectors.toSet());
    } finally {
      vertx.close().await();
    }
    for (String stage : STAGES.keySet()) {
      Map<String, Object> container = container(named(docs, "Deployment", "hookrun-" + stage));
      int port = Integer.parseInt(environment(docs, container).get("HTTP_PORT"));
      Map<String, String> expected =
          Map.of(
              "livenessProbe", "/healthz", "readinessProbe", "/readyz", "startupProbe", "/healthz");
      expected.forEach(
          (probe, path) -> {
            Map<String, Object> get =
                (Map<String, Object>) ((Map<String, Object>) container.get(probe)).get("httpGet");
            assertEquals(path, get.get("path"), stage + " " + probe);
            assertTrue(routes.contains(path), path + " is not served");
            assertEquals(
                port, get.get("port"), stage + " " + probe + " must use the stage's HTTP_PORT");
          });
    }
  }

  @Test
  void workersHaveTimeToDrainBeforeTheyAreKilled() throws IOException {
    var docs = documents();
    Map<String, Object> worker = named(docs, "Deployment", "hookrun-worker");
    Duration drain = Env.parseDuration(environment(docs, container(worker)).get("DRAIN_TIMEOUT"));
    int grace = (Integer) podSpec(worker).get("terminationGracePeriodSeconds");
    // the drain, then committing, leaving the group and stopping the JVM
    assertTrue(
        grace >= drain.toSeconds() + 15,
        "grace " + grace + " s < DRAIN_TIMEOUT " + drain + " + 15 s");
    for (String stage : List.of("gateway", "dispatcher")) {
      assertTrue(
          (Integer)
                  podSpec(named(docs, "Deployment", "hookrun-" + stage))
                      .get("terminationGracePeriodSeconds")
              >= 30);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void dispatchersStayWithinTheirPartitionsAndOneSchedulerHoldsTheQueue() throws IOException {
    var docs = documents();
    Map<String, String> kafka = configMap(docs, "hookrun-kafka");
    int partitions = Integer.parseInt(kafka.get("TOPIC_PARTITIONS"));
    Map<String, Object> scaled =
        (Map<String, Object>) named(docs, "ScaledObject", "hookrun-worker").get("spec");
    assertEquals(
        "hookrun-worker", ((Map<String, Object>) scaled.get("scaleTargetRef")).get("name"));
    assertTrue(
        (Integer)
                ((Map<String, Object>) named(docs, "Deployment", "hookrun-dispatcher").get("spec"))
                    .get("replicas")
            <= partitions);
    Map<String, Object> scheduler =
        (Map<String, Object>) named(docs, "Deployment", "hookrun-scheduler").get("spec");
    assertEquals(1, scheduler.get("replicas"), "one scheduler holds the queue");
    assertEquals(
        "Recreate",
        ((Map<String, Object>) scheduler.get("strategy")).get("type"),
        "a rollout never runs two schedulers at once");
    // the gateways estimate queue positions with the scheduler's rules: the same map for both
    for (String stage : List.of("gateway", "scheduler")) {
      Map<String, String> env =
          environment(docs, container(named(docs, "Deployment", "hookrun-" + stage)));
      assertTrue(env.containsKey("PROJECT_WEIGHTS") && env.containsKey("PRIORITY_AGING"), stage);
    }
    // scale in one worker at a time, each draining before it goes
    Map<String, Object> scaleDown =
        (Map<String, Object>)
            ((Map<String, Object>)
                    ((Map<String, Object>)
                            ((Map<String, Object>) scaled.get("advanced"))
                                .get("horizontalPodAutoscalerConfig"))
                        .get("behavior"))
                .get("scaleDown");
    Map<String, Object> policy = ((List<Map<String, Object>>) scaleDown.get("policies")).get(0);
    assertEquals("Pods", policy.get("type"));
    assertEquals(1, policy.get("value"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void workersScaleOnRunsQueuedInTheSchedulerWhichItExports() throws IOException {
    var docs = documents();
    Map<String, Object> scaled =
        (Map<String, Object>) named(docs, "ScaledObject", "hookrun-worker").get("spec");
    Map<String, Object> trigger = ((List<Map<String, Object>>) scaled.get("triggers")).get(0);
    assertEquals("prometheus", trigger.get("type"));
    String query = ((Map<String, Object>) trigger.get("metadata")).get("query").toString();
    assertTrue(query.contains("hookrun_scheduler_queued"), query);
    assertTrue(!query.contains("lag"), "lag counts sleeping runs: " + query);
    Runnable untrack = Meters.trackScheduled("manifest-check", "normal", () -> 0);
    try {
      assertTrue(
          ServiceMetrics.registry().scrape().contains("hookrun_scheduler_queued{"),
          "the scheduler exports the metric");
    } finally {
      untrack.run();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theGatewayIsAServiceWithACpuAutoscalerAndADisruptionBudget() throws IOException {
    var docs = documents();
    Map<String, Object> hpa =
        (Map<String, Object>) named(docs, "HorizontalPodAutoscaler", "hookrun-gateway").get("spec");
    assertEquals("hookrun-gateway", ((Map<String, Object>) hpa.get("scaleTargetRef")).get("name"));
    Map<String, Object> metric = ((List<Map<String, Object>>) hpa.get("metrics")).get(0);
    assertEquals("cpu", ((Map<String, Object>) metric.get("resource")).get("name"));
    Map<String, Object> pdb =
        (Map<String, Object>) named(docs, "PodDisruptionBudget", "hookrun-gateway").get("spec");
    Map<String, Object> service =
        (Map<String, Object>) named(docs, "Service", "hookrun-gateway").get("spec");
    Map<String, Object> podLabels =
        (Map<String, Object>)
            ((Map<String, Object>)
                    ((Map<String, Object>)
                            ((Map<String, Object>)
                                    named(docs, "Deployment", "hookrun-gateway").get("spec"))
                                .get("template"))
                        .get("metadata"))
                .get("labels");
    assertTrue(
        podLabels
            .entrySet()
            .containsAll(
                ((Map<String, Object>)
                        ((Map<String, Object>) pdb.get("selector")).get("matchLabels"))
                    .entrySet()));
    assertTrue(
        podLabels
            .entrySet()
            .containsAll(((Map<String, Object>) service.get("selector")).entrySet()));
    int target =
        (Integer) ((List<Map<String, Object>>) service.get("ports")).get(0).get("targetPort");
    assertEquals(Integer.parseInt(configMap(docs, "hookrun-gateway").get("HTTP_PORT")), target);
  }

  private interface Io<T> {
    T get() throws IOException;
  }

  private static <T> T uncheck(Io<T> io) {
    try {
      return io.get();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
