package dev.hookrun.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.config.ConfigException;
import dev.hookrun.common.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The security settings reach every kind of client, and mistakes in them stop the start. */
class KafkaSecurityTest {

  private static KafkaSettings settings(Map<String, String> vars) {
    return Env.read(vars, KafkaSettings::fromEnv);
  }

  private static List<Map<String, String>> everyClient(KafkaSettings kafka) {
    Duration timeout = Duration.ofSeconds(5);
    return List.of(
        KafkaClientProperties.producer(kafka, "p", timeout),
        KafkaClientProperties.eventLoopProducer(kafka, "p", timeout, Duration.ZERO),
        KafkaClientProperties.consumer(kafka, "g", "c", timeout, 10),
        KafkaClientProperties.shareConsumer(kafka, "g", "s", 10),
        KafkaClientProperties.reader(kafka, "r"),
        KafkaClientProperties.admin(kafka, "a"));
  }

  @Test
  void plaintextByDefaultAddsNothing() {
    KafkaSettings kafka = settings(Map.of());
    assertEquals("PLAINTEXT", kafka.security().protocol());
    for (Map<String, String> client : everyClient(kafka)) {
      assertFalse(client.containsKey("security.protocol"), client.toString());
      assertFalse(client.containsKey("sasl.jaas.config"));
    }
  }

  @Test
  void saslSslReachesProducersConsumersShareConsumersAndAdmins(@TempDir Path dir) throws Exception {
    Path trust = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    KafkaSettings kafka =
        settings(
            Map.of(
                "KAFKA_SECURITY_PROTOCOL", "sasl_ssl",
                "KAFKA_SASL_USERNAME", "hookrun",
                "KAFKA_SASL_PASSWORD", "p\"w\\d",
                "KAFKA_SSL_TRUSTSTORE_LOCATION", trust.toString(),
                "KAFKA_SSL_TRUSTSTORE_TYPE", "PEM"));
    for (Map<String, String> client : everyClient(kafka)) {
      assertEquals("SASL_SSL", client.get("security.protocol"));
      assertEquals("SCRAM-SHA-512", client.get("sasl.mechanism"), "the default mechanism");
      assertEquals(
          "org.apache.kafka.common.security.scram.ScramLoginModule required"
              + " username=\"hookrun\" password=\"p\\\"w\\\\d\";",
          client.get("sasl.jaas.config"));
      assertEquals(trust.toString(), client.get("ssl.truststore.location"));
      assertEquals("PEM", client.get("ssl.truststore.type"));
    }
    assertFalse(kafka.toString().contains("p\"w"), "the password is never printed");
  }

  @Test
  void theClientFileStillWinsOverTheSettings(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("client.properties"), "sasl.mechanism=PLAIN\n");
    KafkaSettings kafka =
        settings(
            Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_SASL_USERNAME", "u",
                "KAFKA_SASL_PASSWORD", "secret-password-1",
                "KAFKA_CLIENT_CONFIG_FILE", file.toString()));
    everyClient(kafka).forEach(c -> assertEquals("PLAIN", c.get("sasl.mechanism")));
  }

  @Test
  void inconsistentSettingsAreRefusedNamingEachSetting() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                settings(
                    Map.of(
                        "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                        "KAFKA_SASL_MECHANISM", "GSSAPI",
                        "KAFKA_SSL_TRUSTSTORE_LOCATION", "/no/such/truststore.p12")));
    String message = e.getMessage();
    assertTrue(message.contains("KAFKA_SASL_MECHANISM=GSSAPI must be one of"), message);
    assertTrue(message.contains("KAFKA_SASL_USERNAME is required"), message);
    assertTrue(message.contains("KAFKA_SASL_PASSWORD is required"), message);
    assertTrue(message.contains("KAFKA_SSL_TRUSTSTORE_LOCATION=/no/such"), message);

    e =
        assertThrows(
            ConfigException.class,
            () ->
                settings(
                    Map.of(
                        "KAFKA_SASL_USERNAME", "u",
                        "KAFKA_SASL_PASSWORD", "replace-me-with-the-password")));
    message = e.getMessage();
    assertTrue(message.contains("KAFKA_SECURITY_PROTOCOL=PLAINTEXT sends no credentials"), message);
    assertTrue(message.contains("KAFKA_SASL_PASSWORD still holds a placeholder"), message);
    assertFalse(message.contains("replace-me-with-the-password"));
  }
}
