package dev.hookrun.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.config.ProcessSettings;
import dev.hookrun.common.config.Setting;
import dev.hookrun.dispatcher.DispatcherConfig;
import dev.hookrun.gateway.GatewayConfig;
import dev.hookrun.scheduler.SchedulerConfig;
import dev.hookrun.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs here, so the compose file is checked against the code instead of run: the
 * services exist, each sets only variables its config record reads, one image serves every stage,
 * health checks hit each stage's own /readyz, Kafka keeps its data in its volume, and the {@code
 * cluster} profile (with docker/cluster.env) is three KRaft nodes with replication 3 and min ISR 2.
 * Variables are resolved as compose would: {@code ${NAME:-default}} from the env file. Ports are
 * published on loopback, the stages run read-only without capabilities, and secrets come from the
 * env file only.
 */
class DockerComposeTest {

  private static final Path ROOT = Path.of("..");
  private static final List<String> STAGES =
      List.of("gateway", "scheduler", "worker", "dispatcher");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::?-([^}]*))?}");

  /** The compose file as compose sees it with these variables set (merge keys resolved). */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> services(Map<String, String> vars) throws Exception {
    String text = Files.readString(ROOT.resolve("docker-compose.yml"));
    Matcher m = VARIABLE.matcher(text);
    StringBuilder resolved = new StringBuilder();
    while (m.find()) {
      String value = vars.getOrDefault(m.group(1), m.group(2) == null ? "" : m.group(2));
      m.appendReplacement(resolved, Matcher.quoteReplacement(value));
    }
    m.appendTail(resolved);
    Map<String, Object> compose = new Yaml().load(resolved.toString());
    return (Map<String, Object>) compose.get("services");
  }

  private static Map<String, Object> services() throws Exception {
    return services(Map.of());
  }

  private static Map<String, String> clusterEnv() throws Exception {
    Map<String, String> vars = new HashMap<>();
    for (String line : Files.readAllLines(ROOT.resolve("docker/cluster.env"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        vars.put(
            line.substring(0, line.indexOf('=')).trim(),
            line.substring(line.indexOf('=') + 1).trim());
      }
    }
    return vars;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Map<String, Object> services, String service) {
    Map<String, Object> spec = (Map<String, Object>) services.get(service);
    assertNotNull(spec, "service " + service + " is missing");
    return spec;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> environment(Map<String, Object> services, String service) {
    return (Map<String, Object>) spec(services, service).get("environment");
  }

  private static Set<String> names(List<Setting> settings) {
    Set<String> names =
        settings.stream().map(Setting::name).collect(Collectors.toCollection(HashSet::new));
    ProcessSettings.SETTINGS.forEach(s -> names.add(s.name()));
    return names;
  }

  @Test
  void hasTheBrokersTheFourStagesAndAWebhookReceiver() throws Exception {
    assertEquals(
        Set.of(
            "kafka",
            "kafka-2",
            "kafka-3",
            "gateway",
            "scheduler",
            "worker",
            "dispatcher",
            "receiver"),
        services().keySet());
  }

  @Test
  void everyEnvironmentNameIsASettingOfThatStage() throws Exception {
    var services = services();
    Map<String, List<Setting>> stages =
        Map.of(
            "gateway", GatewayConfig.SETTINGS,
            "scheduler", SchedulerConfig.SETTINGS,
            "worker", WorkerConfig.SETTINGS,
            "dispatcher", DispatcherConfig.SETTINGS);
    stages.forEach(
        (service, settings) -> {
          Set<String> unknown = new HashSet<>(environment(services, service).keySet());
          unknown.removeAll(names(settings));
          assertTrue(
              unknown.isEmpty(), service + " sets variables its config does not read: " + unknown);
          assertTrue(environment(services, service).containsKey("KAFKA_BOOTSTRAP_SERVERS"));
        });
  }

  @Test
  @SuppressWarnings("unchecked")
  void oneImageBuiltOnceRunsEveryStageAndWorkersCanScale() throws Exception {
    var services = services();
    Set<Object> images = new HashSet<>();
    int builds = 0;
    for (String stage : STAGES) {
      Map<String, Object> spec = spec(services, stage);
      assertEquals(List.of(stage), spec.get("command"));
      images.add(spec.get("image"));
      if (spec.containsKey("build")) {
        builds++;
        assertEquals(".", spec.get("build"));
      } else {
        assertEquals(
            "never", spec.get("pull_policy"), stage + " must use the built image, not pull one");
      }
    }
    assertEquals(1, images.size(), "every stage runs the same image: " + images);
    assertEquals(1, builds, "the image is built by one service only");
    Map<String, Object> worker = spec(services, "worker");
    assertFalse(worker.containsKey("ports"), "a fixed host port would stop --scale worker=N");
    assertFalse(worker.containsKey("container_name"), "a fixed name would stop --scale worker=N");
    String entry = Files.readString(ROOT.resolve("docker/run-stage"));
    assertTrue(
        entry.contains("gateway.jar")
            && entry.contains("scheduler.jar")
            && entry.contains("worker.jar")
            && entry.contains("webhook-dispatcher.jar"));
    String ignore = Files.readString(ROOT.resolve(".dockerignore"));
    assertTrue(
        ignore.contains(".git") && ignore.contains("**/target") && ignore.contains("data"),
        "the build context leaves out git history, build output and broker data");
  }

  @Test
  void commandsOtherThanUpWorkWithoutApiKeys() throws Exception {
    String text = Files.readString(ROOT.resolve("docker-compose.yml"));
    // ${VAR:?message} fails every compose command (ps, logs, down) while VAR is unset
    assertFalse(
        Pattern.compile("\\$\\{[A-Z0-9_]+:?\\?").matcher(text).find(),
        "a required variable in compose");
    assertTrue(
        environment(services(), "gateway").containsKey("API_KEYS"),
        "the gateway still gets the keys");
    assertTrue(
        GatewayConfig.SETTINGS.stream()
            .anyMatch(s -> s.name().equals("API_KEYS") && s.defaultValue() == null),
        "the gateway itself refuses to start without API_KEYS");
  }

  @Test
  @SuppressWarnings("unchecked")
  void eachStageIsHealthCheckedOnItsOwnReadyzAndRestarted() throws Exception {
    var services = services();
    for (String stage : STAGES) {
      Map<String, Object> spec = spec(services, stage);
      String port = environment(services, stage).get("HTTP_PORT").toString();
      String test =
          String.join(
              " ", (List<String>) ((Map<String, Object>) spec.get("healthcheck")).get("test"));
      assertTrue(test.contains("localhost:" + port + "/readyz"), stage + " health check: " + test);
    }
    for (String service : services.keySet()) {
      assertEquals(
          "unless-stopped", spec(services, service).get("restart"), service + " restart policy");
      assertNotNull(spec(services, service).get("healthcheck"), service + " health check");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void kafkaKeepsItsDataInItsVolume() throws Exception {
    var services = services(clusterEnv());
    for (String broker : List.of("kafka", "kafka-2", "kafka-3")) {
      Map<String, Object> spec = spec(services, broker);
      assertTrue(((String) spec.get("image")).startsWith("apache/kafka:"));
      String logDirs = environment(services, broker).get("KAFKA_LOG_DIRS").toString();
      List<String> volumes = (List<String>) spec.get("volumes");
      assertTrue(
          volumes.stream()
              .anyMatch(v -> v.endsWith(":" + logDirs) && !v.startsWith(".") && !v.startsWith("/")),
          broker + " writes to " + logDirs + " which is not a named volume: " + volumes);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theReceiverIsTheOnlyPrivateAddressWebhooksMayReach() throws Exception {
    var services = services();
    Map<String, Object> receiver = spec(services, "receiver");
    String address =
        ((Map<String, Map<String, Object>>) receiver.get("networks"))
            .get("default")
            .get("ipv4_address")
            .toString();
    assertEquals(
        address + "/32", environment(services, "dispatcher").get("WEBHOOK_ALLOWED_NETWORKS"));
    assertTrue(Files.readString(ROOT.resolve("docker/webhook-receiver.py")).contains("9000"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void portsArePublishedOnThisMachineOnlyUnlessOpenedOnPurpose() throws Exception {
    for (Map.Entry<String, Object> service : services().entrySet()) {
      for (Object port :
          (List<Object>)
              ((Map<String, Object>) service.getValue()).getOrDefault("ports", List.of())) {
        assertTrue(
            port.toString().startsWith("127.0.0.1:"),
            service.getKey() + " publishes " + port + " beyond loopback");
      }
    }
    List<Object> opened =
        (List<Object>) spec(services(Map.of("PUBLISH_ADDRESS", "0.0.0.0")), "gateway").get("ports");
    assertEquals(
        List.of("0.0.0.0:8080:8080", "127.0.0.1:8081:8081"),
        opened,
        "PUBLISH_ADDRESS opens the API; the admin listener stays on loopback");
  }

  @Test
  @SuppressWarnings("unchecked")
  void stagesRunReadOnlyWithoutCapabilitiesOrPrivilegeEscalation() throws Exception {
    var services = services();
    for (String stage : STAGES) {
      Map<String, Object> spec = spec(services, stage);
      assertEquals(true, spec.get("read_only"), stage);
      assertEquals(List.of("/tmp"), spec.get("tmpfs"), stage + ": the JVM's temporary files");
      assertEquals(List.of("ALL"), spec.get("cap_drop"), stage);
      assertTrue(
          ((List<String>) spec.get("security_opt")).contains("no-new-privileges:true"), stage);
    }
  }

  @Test
  void secretsComeFromTheEnvFileOnlyToTheStagesThatReadThem() throws Exception {
    String text = Files.readString(ROOT.resolve("docker-compose.yml"));
    Map<String, String> example = new HashMap<>();
    for (String line : Files.readAllLines(ROOT.resolve("docker/secrets.env.example"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        example.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
    }
    Map<String, List<Setting>> stages =
        Map.of(
            "gateway", GatewayConfig.SETTINGS,
            "scheduler", SchedulerConfig.SETTINGS,
            "worker", WorkerConfig.SETTINGS,
            "dispatcher", DispatcherConfig.SETTINGS);
    var services = services(example);
    Set<String> secretsUsed = new HashSet<>();
    stages.forEach(
        (stage, settings) ->
            settings.stream()
                .filter(Setting::secret)
                .filter(s -> environment(services, stage).containsKey(s.name()))
                .forEach(
                    s -> {
                      // never a value in this file: only the env file's, or nothing
                      assertTrue(text.contains(s.name() + ": ${" + s.name() + ":-}"), s.name());
                      secretsUsed.add(s.name());
                    }));
    assertTrue(secretsUsed.containsAll(example.keySet()), "unused secrets: " + example.keySet());
    assertTrue(
        Files.readString(ROOT.resolve(".gitignore")).contains("/secrets.env")
            && Files.readString(ROOT.resolve(".dockerignore")).contains("secrets.env"),
        "the filled-in file is neither committed nor built into the image");
    String refused =
        org.junit.jupiter.api.Assertions.assertThrows(
                dev.hookrun.common.config.ConfigException.class,
                () -> GatewayConfig.fromEnv(example))
            .getMessage();
    assertTrue(refused.contains("API_KEYS still holds a placeholder"), refused);
    assertTrue(refused.contains("RESULT_URL_SECRET still holds a placeholder"), refused);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theClusterProfileIsThreeKraftNodesWithReplicationThreeAndMinIsrTwo() throws Exception {
    Map<String, String> env = clusterEnv();
    assertEquals("cluster", env.get("COMPOSE_PROFILES"));
    var services = services(env);
    Set<String> ids = new HashSet<>();
    for (String broker : List.of("kafka", "kafka-2", "kafka-3")) {
      Map<String, Object> e = environment(services, broker);
      ids.add(e.get("KAFKA_NODE_ID").toString());
      assertEquals("broker,controller", e.get("KAFKA_PROCESS_ROLES"));
      assertEquals(
          "1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093", e.get("KAFKA_CONTROLLER_QUORUM_VOTERS"));
      assertEquals("3", e.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR").toString());
      assertEquals("2", e.get("KAFKA_MIN_INSYNC_REPLICAS").toString());
      assertEquals("2", e.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR").toString());
      assertTrue(e.get("KAFKA_ADVERTISED_LISTENERS").toString().contains(broker + ":9092"));
    }
    assertEquals(Set.of("1", "2", "3"), ids);
    assertEquals(List.of("cluster"), spec(services, "kafka-2").get("profiles"));
    assertEquals(List.of("cluster"), spec(services, "kafka-3").get("profiles"));
    for (String stage : STAGES) {
      Map<String, Object> e = environment(services, stage);
      assertEquals("3", e.get("TOPIC_REPLICATION_FACTOR").toString());
      assertEquals("2", e.get("TOPIC_MIN_INSYNC_REPLICAS").toString());
      assertEquals("kafka:9092,kafka-2:9092,kafka-3:9092", e.get("KAFKA_BOOTSTRAP_SERVERS"));
    }
    assertEquals(
        GatewayConfig.SEND_TIMEOUT.defaultValue(),
        environment(services, "gateway").get("KAFKA_SEND_TIMEOUT"),
        "on three brokers too the gateway answers by its default send timeout: the record's"
            + " delivery, not the answer, waits out the fencing of a dead broker");
    // and without the env file the same file is the single-node stack
    Map<String, Object> single = environment(services(), "kafka");
    assertEquals("1@kafka:9093", single.get("KAFKA_CONTROLLER_QUORUM_VOTERS"));
    assertEquals(
        "1", environment(services(), "gateway").get("TOPIC_REPLICATION_FACTOR").toString());
  }
}
