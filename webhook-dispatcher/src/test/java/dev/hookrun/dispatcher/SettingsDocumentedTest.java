package dev.hookrun.dispatcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.config.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/webhooks.md has a row for every setting the dispatcher reads, so the table cannot rot. */
class SettingsDocumentedTest {

  @Test
  void everyDispatcherSettingIsInTheWebhooksDoc() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "webhooks.md"));
    for (Setting setting : DispatcherConfig.SETTINGS) {
      assertTrue(
          doc.contains("| `" + setting.name() + "` |"),
          setting.name() + " is missing from docs/webhooks.md");
    }
  }
}
