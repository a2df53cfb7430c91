package dev.hookrun.common.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.config.Env;
import dev.hookrun.kafka.EmbeddedKafkaBroker;
import dev.hookrun.testkit.TestCertificate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage's clients reach a broker over SASL_SSL (SCRAM-SHA-512, a certificate made for the test)
 * with nothing but the KAFKA_SECURITY_* settings: a record goes through a producer and a consumer
 * built by {@link KafkaClientProperties}, and a wrong password is refused.
 */
class SaslSslClientsTest {

  private static final String USER = "hookrun-stage";
  private static final String PASSWORD = "s3cret-stage-password";
  private static final String STORE_PASSWORD = "test-store-password";
  private static final String TOPIC = "secured.requests";

  @TempDir static Path dir;
  private static EmbeddedKafkaBroker broker;
  private static Path truststore;

  @BeforeAll
  static void startBrokerWithASaslSslListener() throws Exception {
    TestCertificate certificate =
        TestCertificate.create(dir, "broker", "127.0.0.1", "IP:127.0.0.1", STORE_PASSWORD);
    Path keystore = certificate.keystore();
    truststore = certificate.truststore(dir.resolve("truststore.p12"));

    String listener = "listener.name.secure.";
    broker =
        new EmbeddedKafkaBroker(
                dir.resolve("kafka"),
                0,
                Map.of(
                    listener + "sasl.enabled.mechanisms",
                    "SCRAM-SHA-512",
                    listener + "scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                    listener + "ssl.keystore.location",
                    keystore.toString(),
                    listener + "ssl.keystore.password",
                    STORE_PASSWORD,
                    listener + "ssl.keystore.type",
                    "PKCS12",
                    listener + "ssl.key.password",
                    STORE_PASSWORD))
            .withListener("SECURE", "SASL_SSL")
            .start();
    // the user and the topic are made over the PLAINTEXT listener, as an operator would with an
    // admin's credentials
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      USER, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), PASSWORD)))
          .all()
          .get(30, TimeUnit.SECONDS);
      admin
          .createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  private static KafkaSettings settings(String password) {
    Map<String, String> vars = new HashMap<>();
    vars.put("KAFKA_BOOTSTRAP_SERVERS", broker.listenerBootstrapServers());
    vars.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
    vars.put("KAFKA_SASL_USERNAME", USER);
    vars.put("KAFKA_SASL_PASSWORD", password);
    vars.put("KAFKA_SSL_TRUSTSTORE_LOCATION", truststore.toString());
    vars.put("KAFKA_SSL_TRUSTSTORE_PASSWORD", STORE_PASSWORD);
    return Env.read(vars, KafkaSettings::fromEnv);
  }

  @Test
  void aStagesProducerAndConsumerSendAndReceiveOverSaslSsl() throws Exception {
    KafkaSettings kafka = settings(PASSWORD);
    // the credential reaches the broker through the metadata log a moment after it is stored
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              try (Admin admin =
                  Admin.create(
                      KafkaClientProperties.asObjects(
                          KafkaClientProperties.admin(kafka, "secured-admin")))) {
                assertTrue(admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(TOPIC));
              }
            });
    try (var producer =
        new KafkaProducer<String, String>(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.producer(
                    kafka, "secured-producer", Duration.ofSeconds(20))))) {
      producer
          .send(new ProducerRecord<>(TOPIC, "run-1", "{\"ok\":true}"))
          .get(30, TimeUnit.SECONDS);
    }
    List<ConsumerRecord<String, String>> received = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<String, String>(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.consumer(
                    kafka, "secured-group", "secured-consumer", Duration.ofMinutes(1), 10)))) {
      consumer.subscribe(List.of(TOPIC));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return !received.isEmpty();
              });
    }
    assertEquals("run-1", received.get(0).key());
    assertEquals("{\"ok\":true}", received.get(0).value());
  }

  @Test
  void aWrongPasswordIsRefused() {
    KafkaSettings kafka = settings("not-the-password");
    try (var producer =
        new KafkaProducer<String, String>(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.producer(
                    kafka, "refused-producer", Duration.ofSeconds(20))))) {
      Throwable failure =
          assertThrows(
              Exception.class,
              () ->
                  producer
                      .send(new ProducerRecord<>(TOPIC, "run-2", "{}"))
                      .get(30, TimeUnit.SECONDS));
      Throwable cause = failure instanceof ExecutionException ? failure.getCause() : failure;
      assertTrue(
          cause instanceof SaslAuthenticationException,
          "refused by authentication, not timed out: " + failure);
    }
  }
}
