package dev.hookrun.ops.cli;

import dev.hookrun.common.config.Env;
import dev.hookrun.common.config.ProcessSettings;
import dev.hookrun.common.config.Setting;
import dev.hookrun.common.kafka.KafkaSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Which cluster the CLI talks to, and why: {@code --bootstrap-server}, else
 * KAFKA_BOOTSTRAP_SERVERS, else the broker of the local run that uses the same DATA_DIR (found in
 * the server.properties it writes to DATA_DIR/kafka on every start), else localhost:9092.
 *
 * @param source how the address was found, for error messages
 */
record CliTarget(KafkaSettings kafka, String source) {

  /** The local run's data folder, read here for the broker it leaves behind. */
  static final Setting DATA_DIR = ProcessSettings.DATA_DIR;

  /**
   * The ops CLI's settings: these and the Kafka ones (TOPIC_PREFIX, KAFKA_CLIENT_CONFIG_FILE, ...).
   */
  static final List<Setting> SETTINGS = List.of(DATA_DIR);

  static CliTarget resolve(Map<String, String> vars, String bootstrapOption, String prefixOption) {
    Env env = Env.of(vars);
    KafkaSettings kafka = KafkaSettings.fromEnv(env);
    Path dataDir = Path.of(env.string(DATA_DIR));
    env.check();
    if (prefixOption != null) {
      kafka = kafka.withTopicPrefix(prefixOption);
    }
    if (bootstrapOption != null && !bootstrapOption.isBlank()) {
      return new CliTarget(
          kafka.withBootstrapServers(bootstrapOption.trim()), "--bootstrap-server");
    }
    String fromEnv = vars.get(KafkaSettings.BOOTSTRAP.name());
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new CliTarget(kafka, KafkaSettings.BOOTSTRAP.name());
    }
    Path props = dataDir.resolve("kafka").resolve("server.properties");
    String local = advertisedListener(props);
    if (local != null) {
      return new CliTarget(
          kafka.withBootstrapServers(local), "the local run's broker (" + props + ")");
    }
    return new CliTarget(kafka, "the default " + KafkaSettings.BOOTSTRAP.defaultValue());
  }

  /** host:port of the PLAINTEXT listener the local broker advertises, or null. */
  static String advertisedListener(Path serverProperties) {
    if (!Files.isRegularFile(serverProperties)) {
      return null;
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(serverProperties)) {
      p.load(in);
    } catch (IOException e) {
      return null;
    }
    String listeners = p.getProperty("advertised.listeners", p.getProperty("listeners", ""));
    for (String listener : listeners.split(",")) {
      String l = listener.trim();
      int scheme = l.indexOf("://");
      if (scheme > 0 && !l.startsWith("CONTROLLER")) {
        return l.substring(scheme + 3);
      }
    }
    return null;
  }
}
