package dev.hookrun.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.config.ConfigException;
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
 * partitions that give them work, and workers scale on the scheduler's queue. Every container is
 * hardened (the image's user, read-only root, no capabilities), NetworkPolicies open only the
 * gateway's API to everyone, results go to S3 with one shared link secret, and the example secrets
 * are refused until replaced.
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
    for (String key : List.of("API_KEYS", "ADMIN_KEY", "WEBHOOK_SECRETS", "RESULT_URL_SECRET")) {
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
    int admin = Integer.parseInt(configMap(docs, "hookrun-gateway").get("ADMIN_HTTP_PORT"));
    assertTrue(
        ((List<Map<String, Object>>) service.get("ports"))
            .stream().noneMatch(p -> Integer.valueOf(admin).equals(p.get("targetPort"))),
        "the public Service never routes to the admin listener");
    Map<String, Object> adminService =
        (Map<String, Object>) named(docs, "Service", "hookrun-gateway-admin").get("spec");
    assertEquals(
        admin,
        ((List<Map<String, Object>>) adminService.get("ports")).get(0).get("targetPort"),
        "/ops and /metrics have a Service of their own");
  }

  private static final List<String> PRIVATE_RANGES =
      List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10");

  @Test
  @SuppressWarnings("unchecked")
  void everyContainerRunsAsTheImagesUserWithNothingToGainAndOnlyTmpToWrite() throws IOException {
    var docs = documents();
    String dockerfile = Files.readString(DEPLOY.resolve("../Dockerfile"));
    int uid = Integer.parseInt(match(dockerfile, "useradd[^\\n]*--uid (\\d+)"));
    int gid = Integer.parseInt(match(dockerfile, "groupadd[^\\n]*--gid (\\d+)"));
    assertTrue(dockerfile.contains("USER " + uid + ":" + gid), "the image runs as that user");
    for (Map<String, Object> deployment : ofKind(docs, "Deployment")) {
      String name = ((Map<String, Object>) deployment.get("metadata")).get("name").toString();
      Map<String, Object> pod = podSpec(deployment);
      assertEquals(false, pod.get("automountServiceAccountToken"), name + " gets no API token");
      Map<String, Object> podContext = (Map<String, Object>) pod.get("securityContext");
      assertEquals(true, podContext.get("runAsNonRoot"), name);
      assertEquals(uid, podContext.get("runAsUser"), name);
      assertEquals(gid, podContext.get("runAsGroup"), name);
      assertEquals(
          "RuntimeDefault", ((Map<String, Object>) podContext.get("seccompProfile")).get("type"));
      Set<String> emptyDirs =
          ((List<Map<String, Object>>) pod.getOrDefault("volumes", List.of()))
              .stream()
                  .filter(v -> v.containsKey("emptyDir"))
                  .map(v -> v.get("name").toString())
                  .collect(Collectors.toSet());
      for (Map<String, Object> container : (List<Map<String, Object>>) pod.get("containers")) {
        String where = name + "/" + container.get("name");
        Map<String, Object> context = (Map<String, Object>) container.get("securityContext");
        assertNotNull(context, where + " has a securityContext");
        assertEquals(true, context.get("runAsNonRoot"), where);
        assertEquals(uid, context.get("runAsUser"), where);
        assertEquals(gid, context.get("runAsGroup"), where);
        assertEquals(false, context.get("allowPrivilegeEscalation"), where);
        assertEquals(true, context.get("readOnlyRootFilesystem"), where);
        assertEquals(
            List.of("ALL"), ((Map<String, Object>) context.get("capabilities")).get("drop"), where);
        assertEquals(
            "RuntimeDefault", ((Map<String, Object>) context.get("seccompProfile")).get("type"));
        // the JVM's temporary files; the stages write nowhere else with the S3 result store
        assertTrue(
            ((List<Map<String, Object>>) container.getOrDefault("volumeMounts", List.of()))
                .stream()
                    .anyMatch(
                        m ->
                            "/tmp".equals(m.get("mountPath")) && emptyDirs.contains(m.get("name"))),
            where + " has an emptyDir on /tmp");
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void onlyTheGatewaysApiIsOpenAndTheDispatcherReachesNoPrivateRange() throws IOException {
    var docs = documents();
    List<Map<String, Object>> policies = ofKind(docs, "NetworkPolicy");
    assertTrue(!policies.isEmpty(), "the stages have network policies");
    Map<String, Integer> healthPorts = new HashMap<>();
    for (String stage : STAGES.keySet()) {
      Map<String, Object> deployment = named(docs, "Deployment", "hookrun-" + stage);
      Map<String, Object> labels =
          (Map<String, Object>)
              ((Map<String, Object>)
                      ((Map<String, Object>)
                              ((Map<String, Object>) deployment.get("spec")).get("template"))
                          .get("metadata"))
                  .get("labels");
      List<Map<String, Object>> mine =
          policies.stream().filter(p -> selects(policySpec(p), labels)).toList();
      assertTrue(
          mine.stream()
              .anyMatch(
                  p ->
                      policySpec(p).get("ingress") == null
                          && policySpec(p).get("egress") == null
                          && ((List<String>) policySpec(p).get("policyTypes"))
                              .containsAll(List.of("Ingress", "Egress"))),
          stage + " is under a policy that denies what the others do not allow");
      Set<Integer> open = new HashSet<>();
      Set<Integer> monitored = new HashSet<>();
      List<Map<String, Object>> egress = new ArrayList<>();
      for (Map<String, Object> policy : mine) {
        for (Map<String, Object> rule :
            (List<Map<String, Object>>) policySpec(policy).getOrDefault("ingress", List.of())) {
          List<Map<String, Object>> from = (List<Map<String, Object>>) rule.get("from");
          Set<Integer> ports = ports(rule);
          if (from == null || from.isEmpty()) {
            open.addAll(ports);
          } else {
            for (Map<String, Object> peer : from) {
              assertEquals(
                  Set.of("namespaceSelector"), peer.keySet(), stage + ": ingress from " + peer);
              assertEquals(
                  Map.of("kubernetes.io/metadata.name", "monitoring"),
                  ((Map<String, Object>) peer.get("namespaceSelector")).get("matchLabels"));
            }
            monitored.addAll(ports);
          }
        }
        egress.addAll(
            (List<Map<String, Object>>) policySpec(policy).getOrDefault("egress", List.of()));
      }
      int httpPort = Integer.parseInt(environment(docs, container(deployment)).get("HTTP_PORT"));
      healthPorts.put(stage, httpPort);
      if (stage.equals("gateway")) {
        assertEquals(Set.of(httpPort), open, "only the API port is open to everyone");
        assertTrue(monitored.contains(8081), "the gateway's admin port, for monitoring only");
      } else {
        assertEquals(Set.of(), open, stage + " takes no traffic from outside monitoring");
        assertTrue(monitored.contains(httpPort), stage + ": its health and metrics port");
      }
      String bootstrap = configMap(docs, "hookrun-kafka").get("KAFKA_BOOTSTRAP_SERVERS");
      int kafkaPort = Integer.parseInt(bootstrap.split(",")[0].replaceAll(".*:", ""));
      assertTrue(egress.stream().anyMatch(r -> ports(r).contains(53)), stage + " resolves names");
      assertTrue(
          egress.stream().anyMatch(r -> ports(r).contains(kafkaPort)), stage + " reaches Kafka");
      for (Map<String, Object> rule : egress) {
        for (Map<String, Object> peer :
            (List<Map<String, Object>>) rule.getOrDefault("to", List.of())) {
          Map<String, Object> block = (Map<String, Object>) peer.get("ipBlock");
          if (block != null && block.get("cidr").equals("0.0.0.0/0")) {
            assertTrue(
                ((List<String>) block.get("except")).containsAll(PRIVATE_RANGES),
                stage + " may not reach the private ranges: " + block);
          }
        }
      }
      boolean internet =
          egress.stream()
              .flatMap(r -> ((List<Map<String, Object>>) r.getOrDefault("to", List.of())).stream())
              .anyMatch(peer -> peer.containsKey("ipBlock"));
      assertEquals(
          stage.equals("dispatcher") || stage.equals("gateway") || stage.equals("worker"),
          internet,
          stage + ": the internet for webhooks (dispatcher) and S3 (gateway, worker) only");
      if (stage.equals("dispatcher")) {
        assertTrue(
            egress.stream().anyMatch(r -> r.get("ports") == null && r.containsKey("to")),
            "webhooks go to any port");
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void resultsGoToS3AndLinksAreSignedWithOneSecretSharedFromTheSecret() throws IOException {
    var docs = documents();
    for (String stage : List.of("gateway", "worker", "dispatcher")) {
      Map<String, Object> container = container(named(docs, "Deployment", "hookrun-" + stage));
      Map<String, String> env = environment(docs, container);
      assertEquals("s3", env.get("RESULT_STORE"), stage + ": the pods share no disk");
      assertTrue(!env.get("RESULT_S3_BUCKET").isBlank(), stage);
    }
    for (String stage : List.of("gateway", "dispatcher")) {
      Map<String, Object> container = container(named(docs, "Deployment", "hookrun-" + stage));
      Map<String, Object> ref =
          ((List<Map<String, Object>>) container.get("env"))
              .stream()
                  .filter(e -> e.get("name").equals("RESULT_URL_SECRET"))
                  .map(
                      e ->
                          (Map<String, Object>)
                              ((Map<String, Object>) e.get("valueFrom")).get("secretKeyRef"))
                  .findFirst()
                  .orElseThrow(() -> new AssertionError(stage + " gets RESULT_URL_SECRET"));
      assertEquals("hookrun-secrets", ref.get("name"));
      assertEquals("RESULT_URL_SECRET", ref.get("key"));
      assertTrue(
          !Boolean.TRUE.equals(ref.get("optional")),
          "without it each pod would sign with its own key");
    }
  }

  @Test
  void theExampleSecretsStopEveryStageUntilTheyAreReplaced() throws IOException {
    Map<String, String> example = new HashMap<>();
    for (String line : Files.readAllLines(DEPLOY.resolve("overlays/example/secrets.env.example"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        example.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
    }
    String gateway =
        assertThrows(ConfigException.class, () -> GatewayConfig.fromEnv(example)).getMessage();
    String dispatcher =
        assertThrows(ConfigException.class, () -> DispatcherConfig.fromEnv(example)).getMessage();
    for (String key : List.of("API_KEYS", "ADMIN_KEY", "RESULT_URL_SECRET")) {
      assertTrue(gateway.contains(key + " still holds a placeholder"), gateway);
    }
    for (String key : List.of("WEBHOOK_SECRETS", "RESULT_URL_SECRET")) {
      assertTrue(dispatcher.contains(key + " still holds a placeholder"), dispatcher);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> policySpec(Map<String, Object> policy) {
    return (Map<String, Object>) policy.get("spec");
  }

  /** Whether a policy's podSelector (matchLabels, matchExpressions with In) picks these labels. */
  @SuppressWarnings("unchecked")
  private static boolean selects(Map<String, Object> spec, Map<String, Object> labels) {
    Map<String, Object> selector = (Map<String, Object>) spec.get("podSelector");
    Map<String, Object> match =
        (Map<String, Object>) selector.getOrDefault("matchLabels", Map.of());
    if (!labels.entrySet().containsAll(match.entrySet())) {
      return false;
    }
    for (Map<String, Object> expression :
        (List<Map<String, Object>>) selector.getOrDefault("matchExpressions", List.of())) {
      assertEquals("In", expression.get("operator"));
      if (!((List<Object>) expression.get("values")).contains(labels.get(expression.get("key")))) {
        return false;
      }
    }
    return true;
  }

  @SuppressWarnings("unchecked")
  private static Set<Integer> ports(Map<String, Object> rule) {
    return ((List<Map<String, Object>>) rule.getOrDefault("ports", List.of()))
        .stream().map(p -> (Integer) p.get("port")).collect(Collectors.toSet());
  }

  private static String match(String text, String regex) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), regex);
    return m.group(1);
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
