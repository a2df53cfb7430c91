package dev.hookrun.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.config.ProcessSettings;
import dev.hookrun.common.config.Setting;
import dev.hookrun.dispatcher.DispatcherConfig;
import dev.hookrun.gateway.GatewayConfig;
import dev.hookrun.scheduler.SchedulerConfig;
import dev.hookrun.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README documents every setting the services read, and its two quick-start commands. */
class ReadmeTest {

  private static String readme() throws Exception {
    return Files.readString(Path.of("..", "README.md"));
  }

  @Test
  void everySettingIsInTheConfigurationTables() throws Exception {
    String readme = readme();
    List<Setting> all = new ArrayList<>();
    all.addAll(GatewayConfig.SETTINGS);
    all.addAll(WorkerConfig.SETTINGS);
    all.addAll(SchedulerConfig.SETTINGS);
    all.addAll(DispatcherConfig.SETTINGS);
    all.addAll(LocalStackConfig.SETTINGS);
    all.addAll(ProcessSettings.SETTINGS);
    List<String> missing =
        all.stream()
            .map(Setting::name)
            .distinct()
            .filter(name -> !readme.contains("| `" + name + "` |"))
            .toList();
    assertTrue(missing.isEmpty(), "README does not document " + missing);
  }

  @Test
  void quickStartGivesTheRunAndTestCommands() throws Exception {
    String readme = readme();
    int quickStart = readme.indexOf("## Quick start");
    assertTrue(quickStart >= 0);
    String section = readme.substring(quickStart, readme.indexOf("\n## ", quickStart + 5));
    assertTrue(section.contains("./run.sh "));
    assertTrue(section.contains("./mvnw verify"));
    assertTrue(Files.readString(Path.of("..", ".ci", "run")).contains("./mvnw -B verify"));
  }
}
