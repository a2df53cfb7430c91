package dev.hookrun.local;

import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.dispatcher.DispatcherConfig;
import dev.hookrun.gateway.GatewayConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment each stage of a local run reads, derived from the run's own: the same whether the
 * stages share this process or each has one of its own ({@link StageProcesses}), so the two shapes
 * differ only in where the stages run.
 *
 * @param gateway what the gateway reads (the warm-up's stages start from it too); its admin
 *     listener on a free port unless ADMIN_HTTP_PORT is set; on a broker of the run's own, with its
 *     topics' partitions ({@link LocalStackConfig#ownBrokerPartitions}) unless the run's
 *     environment sets them
 * @param backend what the worker reads: health and metrics on a free port of the gateway's admin
 *     address (HTTP_HOST and HTTP_PORT are the gateway's API), result links signed to this gateway
 * @param dispatcher the backend's, plus loopback as the webhook allow-list when none was given: the
 *     local run's webhook receiver is on this machine, while a dispatcher run alone allows nothing
 *     private
 */
record StageEnvironment(
    Map<String, String> gateway,
    GatewayConfig gatewayConfig,
    Map<String, String> backend,
    Map<String, String> dispatcher) {

  /**
   * @param bootstrapServers the in-process broker's address, or null to keep the run's
   *     KAFKA_BOOTSTRAP_SERVERS
   * @throws dev.hookrun.common.config.ConfigException when the gateway's or the dispatcher's
   *     settings are invalid
   */
  static StageEnvironment of(
      Map<String, String> env, LocalStackConfig config, String bootstrapServers) {
    Map<String, String> gateway = new HashMap<>(env);
    gateway.put("HTTP_HOST", LocalStackConfig.httpHost(env));
    gateway.put(GatewayConfig.ADMIN_HTTP_PORT.name(), LocalStackConfig.adminHttpPort(env));
    if (bootstrapServers != null) {
      gateway.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
      String partitions =
          String.valueOf(
              LocalStackConfig.ownBrokerPartitions(Runtime.getRuntime().availableProcessors()));
      unlessSet(gateway, KafkaSettings.REQUESTS_PARTITIONS.name(), partitions);
      unlessSet(gateway, KafkaSettings.PARTITIONS.name(), partitions);
    }
    if (config.devApiKey() != null) {
      gateway.put("API_KEYS", config.devApiKey() + "=" + LocalStackConfig.DEV_PROJECT);
    }
    GatewayConfig gatewayConfig = GatewayConfig.fromEnv(gateway);
    Map<String, String> backend = new HashMap<>(gateway);
    backend.put("HTTP_PORT", "0");
    // their HTTP_HOST/HTTP_PORT is an admin listener (health, metrics): where the gateway's is
    backend.put("HTTP_HOST", gatewayConfig.adminHttpHost());
    String resultUrlBase = env.get("RESULT_URL_BASE");
    if ((resultUrlBase == null || resultUrlBase.isBlank()) && gatewayConfig.httpPort() != 0) {
      backend.put("RESULT_URL_BASE", "http://localhost:" + gatewayConfig.httpPort());
    }
    Map<String, String> dispatcher = new HashMap<>(backend);
    if (DispatcherConfig.fromEnv(backend).allowedNetworks().isEmpty()) {
      dispatcher.put(
          DispatcherConfig.ALLOWED_NETWORKS.name(), String.join(",", DispatcherConfig.LOOPBACK));
    }
    return new StageEnvironment(
        Map.copyOf(gateway), gatewayConfig, Map.copyOf(backend), Map.copyOf(dispatcher));
  }

  private static void unlessSet(Map<String, String> env, String name, String value) {
    String set = env.get(name);
    if (set == null || set.isBlank()) {
      env.put(name, value);
    }
  }
}
