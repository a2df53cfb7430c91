package dev.hookrun.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.config.ProcessSettings;
import dev.hookrun.common.config.Setting;
import dev.hookrun.dispatcher.DispatcherConfig;
import dev.hookrun.gateway.GatewayConfig;
import dev.hookrun.worker.WorkerConfig;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs here, so the compose file is checked against the code instead: the
 * services exist, each sets only variables its config record reads, and workers can scale.
 */
class DockerComposeTest {

  private static final Path ROOT = Path.of("..");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> services() throws Exception {
    try (Reader in = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
      Map<String, Object> compose = new Yaml().load(in);
      return (Map<String, Object>) compose.get("services");
    }
  }

  @SuppressWarnings("unchecked")
  private static Set<String> environmentOf(Map<String, Object> services, String service) {
    Map<String, Object> spec = (Map<String, Object>) services.get(service);
    assertNotNull(spec, "service " + service + " is missing");
    return ((Map<String, Object>) spec.get("environment")).keySet();
  }

  private static Set<String> names(List<Setting> settings) {
    Set<String> names = settings.stream().map(Setting::name).collect(Collectors.toCollection(HashSet::new));
    ProcessSettings.SETTINGS.forEach(s -> names.add(s.name()));
    return names;
  }

  @Test
  void hasTheBrokerAndTheThreeStages() throws Exception {
    assertEquals(Set.of("kafka", "gateway", "worker", "dispatcher"), services().keySet());
  }

  @Test
  void everyEnvironmentNameIsASettingOfThatStage() throws Exception {
    var services = services();
    Map<String, List<Setting>> stages = Map.of(
        "gateway", GatewayConfig.SETTINGS,
        "worker", WorkerConfig.SETTINGS,
        "dispatcher", DispatcherConfig.SETTINGS);
    stages.forEach((service, settings) -> {
      Set<String> unknown = new HashSet<>(environmentOf(services, service));
      unknown.removeAll(names(settings));
      assertTrue(unknown.isEmpty(), service + " sets variables its config does not read: " + unknown);
      assertTrue(environmentOf(services, service).contains("KAFKA_BOOTSTRAP_SERVERS"));
    });
  }

  @Test
  @SuppressWarnings("unchecked")
  void stagesRunTheirOwnJarFromTheDockerfileAndWorkersCanScale() throws Exception {
    var services = services();
    for (String stage : List.of("gateway", "worker", "dispatcher")) {
      Map<String, Object> spec = (Map<String, Object>) services.get(stage);
      assertEquals(List.of(stage), spec.get("command"));
      assertEquals(".", spec.get("build"));
    }
    Map<String, Object> worker = (Map<String, Object>) services.get("worker");
    assertFalse(worker.containsKey("ports"), "a fixed host port would stop --scale worker=N");
    assertFalse(worker.containsKey("container_name"), "a fixed name would stop --scale worker=N");
    String entry = Files.readString(ROOT.resolve("docker/run-stage"));
    assertTrue(entry.contains("gateway.jar") && entry.contains("worker.jar") && entry.contains("webhook-dispatcher.jar"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void theBrokerIsTheOfficialImageInKraftMode() throws Exception {
    Map<String, Object> kafka = (Map<String, Object>) services().get("kafka");
    assertTrue(((String) kafka.get("image")).startsWith("apache/kafka:"));
    Map<String, Object> env = (Map<String, Object>) kafka.get("environment");
    assertEquals("broker,controller", env.get("KAFKA_PROCESS_ROLES"));
  }
}
