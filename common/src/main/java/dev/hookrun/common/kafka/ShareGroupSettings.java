package dev.hookrun.common.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group-level settings a share group needs from the broker, set by the members at start (an
 * idempotent {@code incrementalAlterConfigs} on the group): a share group starts, by Kafka's
 * default, at the <em>end</em> of its topics, which would skip every run released before the first
 * worker ever joined.
 */
public final class ShareGroupSettings {

  private static final Logger LOG = LoggerFactory.getLogger(ShareGroupSettings.class);

  private ShareGroupSettings() {}

  /**
   * Sets {@code settings} on {@code groupId}. Blocking. A cluster that refuses (no ALTER_CONFIGS
   * right on the group) is logged with what to set by hand, not fatal: the operator may have set
   * them already.
   */
  public static void apply(KafkaSettings kafka, String groupId, Map<String, String> settings) {
    var ops =
        settings.entrySet().stream()
            .map(
                e ->
                    new AlterConfigOp(
                        new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
            .toList();
    try (Admin admin =
        Admin.create(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.admin(kafka, groupId + "-config")))) {
      admin
          .incrementalAlterConfigs(
              Map.of(new ConfigResource(ConfigResource.Type.GROUP, groupId), List.copyOf(ops)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn(
          "could not set {} on share group {} ({}); set them with kafka-configs.sh --entity-type groups --entity-name {} --alter --add-config ...",
          settings,
          groupId,
          e.toString(),
          groupId);
    }
  }
}
