package dev.hookrun.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.config.ConfigException;
import dev.hookrun.common.config.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchedulerConfigTest {

  @Test
  void defaultsNeedNoSetting() {
    SchedulerConfig config = SchedulerConfig.fromEnv(Map.of());
    assertEquals("hookrun-scheduler", config.groupId());
    assertEquals(Duration.ofSeconds(15), config.workerLeaseTimeout());
    assertEquals(Duration.ofMinutes(10), config.policy().aging());
    assertEquals(1, config.policy().weight("any"));
    assertEquals(Integer.MAX_VALUE, config.policy().maxRunning("any"));
    assertEquals("127.0.0.1", config.httpHost());
    assertEquals(0, config.httpPort());
  }

  @Test
  void readsThePolicy() {
    SchedulerConfig config =
        SchedulerConfig.fromEnv(
            Map.of(
                "PROJECT_WEIGHTS", "p1=3,*=2",
                "PROJECT_MAX_RUNNING", "8,p1=4",
                "PRIORITY_AGING", "0s"));
    assertEquals(3, config.policy().weight("p1"));
    assertEquals(2, config.policy().weight("p2"));
    assertEquals(4, config.policy().maxRunning("p1"));
    assertEquals(8, config.policy().maxRunning("p2"));
    assertEquals(Duration.ZERO, config.policy().aging());
  }

  @Test
  void refusesToStartListingEveryProblem() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                SchedulerConfig.fromEnv(
                    Map.of(
                        "PROJECT_WEIGHTS", "p1",
                        "WORKER_LEASE_TIMEOUT", "1s",
                        "PRIORITY_AGING", "soon")));
    assertTrue(e.getMessage().contains("PROJECT_WEIGHTS"), e.getMessage());
    assertTrue(e.getMessage().contains("WORKER_LEASE_TIMEOUT"), e.getMessage());
    assertTrue(e.getMessage().contains("PRIORITY_AGING"), e.getMessage());
  }

  /** The local-stack ReadmeTest covers the stages it runs; this covers the scheduler until then. */
  @Test
  void everySettingIsInTheReadme() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    var missing =
        SchedulerConfig.SETTINGS.stream()
            .map(Setting::name)
            .filter(name -> !readme.contains("| `" + name + "` |"))
            .toList();
    assertTrue(missing.isEmpty(), "README does not document " + missing);
  }
}
