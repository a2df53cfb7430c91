package dev.hookrun.common.kafka;

import dev.hookrun.common.config.Env;
import dev.hookrun.common.config.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How every Kafka client of a process authenticates and encrypts: TLS with a trust store, SASL
 * (SCRAM or PLAIN) with one user per installation. Part of {@link KafkaSettings}, so producers,
 * consumers, share consumers and admin clients all get it from {@link KafkaClientProperties}.
 *
 * @param truststoreLocation null: the JVM's default trust store (a cluster with a public CA)
 */
public record KafkaSecurity(
    String protocol,
    String saslMechanism,
    String saslUsername,
    String saslPassword,
    String truststoreLocation,
    String truststorePassword,
    String truststoreType) {

  public static final List<String> PROTOCOLS =
      List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
  public static final List<String> MECHANISMS = List.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");
  public static final List<String> TRUSTSTORE_TYPES = List.of("PKCS12", "JKS", "PEM");

  public static final Setting PROTOCOL =
      Setting.of(
          "KAFKA_SECURITY_PROTOCOL",
          "PLAINTEXT",
          "How clients reach the brokers: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL");
  public static final Setting SASL_MECHANISM =
      Setting.of(
          "KAFKA_SASL_MECHANISM",
          "SCRAM-SHA-512",
          "SASL mechanism with SASL_SSL or SASL_PLAINTEXT: SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN");
  public static final Setting SASL_USERNAME =
      Setting.of("KAFKA_SASL_USERNAME", "", "SASL user (required with SASL_SSL or SASL_PLAINTEXT)");
  public static final Setting SASL_PASSWORD =
      Setting.of(
              "KAFKA_SASL_PASSWORD", "", "SASL password (required with SASL_SSL or SASL_PLAINTEXT)")
          .asSecret();
  public static final Setting TRUSTSTORE_LOCATION =
      Setting.of(
          "KAFKA_SSL_TRUSTSTORE_LOCATION",
          "",
          "File of the CAs that sign the brokers' certificates, with SSL or SASL_SSL (unset: the JVM's"
              + " default trust store)");
  public static final Setting TRUSTSTORE_PASSWORD =
      Setting.of(
              "KAFKA_SSL_TRUSTSTORE_PASSWORD",
              "",
              "Password of the trust store (PKCS12 or JKS; none with PEM)")
          .asSecret();
  public static final Setting TRUSTSTORE_TYPE =
      Setting.of(
          "KAFKA_SSL_TRUSTSTORE_TYPE",
          "PKCS12",
          "Format of the trust store: PKCS12, JKS or PEM (certificates in a PEM file)");

  public static final List<Setting> SETTINGS =
      List.of(
          PROTOCOL,
          SASL_MECHANISM,
          SASL_USERNAME,
          SASL_PASSWORD,
          TRUSTSTORE_LOCATION,
          TRUSTSTORE_PASSWORD,
          TRUSTSTORE_TYPE);

  /** No TLS and no SASL: the local run, the tests and a cluster on a private network. */
  public static final KafkaSecurity PLAINTEXT =
      new KafkaSecurity("PLAINTEXT", "SCRAM-SHA-512", null, null, null, null, "PKCS12");

  public static KafkaSecurity fromEnv(Env env) {
    String protocol = oneOf(env, PROTOCOL, PROTOCOLS);
    String mechanism = oneOf(env, SASL_MECHANISM, MECHANISMS);
    String type = oneOf(env, TRUSTSTORE_TYPE, TRUSTSTORE_TYPES);
    KafkaSecurity security =
        new KafkaSecurity(
            protocol,
            mechanism,
            env.optional(SASL_USERNAME).orElse(null),
            env.optional(SASL_PASSWORD).orElse(null),
            env.optional(TRUSTSTORE_LOCATION).orElse(null),
            env.optional(TRUSTSTORE_PASSWORD).orElse(null),
            type);
    security.problems().forEach(env::problem);
    return security;
  }

  public boolean sasl() {
    return protocol.startsWith("SASL_");
  }

  public boolean tls() {
    return protocol.endsWith("SSL");
  }

  /** The client properties these settings stand for; none for PLAINTEXT. */
  public Map<String, String> clientProperties() {
    Map<String, String> p = new TreeMap<>();
    if (protocol.equals("PLAINTEXT")) {
      return p;
    }
    p.put("security.protocol", protocol);
    if (sasl()) {
      p.put("sasl.mechanism", saslMechanism);
      p.put("sasl.jaas.config", jaasConfig());
    }
    if (tls() && truststoreLocation != null) {
      p.put("ssl.truststore.location", truststoreLocation);
      p.put("ssl.truststore.type", truststoreType);
      if (truststorePassword != null) {
        p.put("ssl.truststore.password", truststorePassword);
      }
    }
    return p;
  }

  private String jaasConfig() {
    String module =
        saslMechanism.equals("PLAIN")
            ? "org.apache.kafka.common.security.plain.PlainLoginModule"
            : "org.apache.kafka.common.security.scram.ScramLoginModule";
    return module
        + " required username=\""
        + quoted(saslUsername)
        + "\" password=\""
        + quoted(saslPassword)
        + "\";";
  }

  /** JAAS reads a quoted value with backslash escapes: a password may hold any character. */
  private static String quoted(String value) {
    return value == null ? "" : value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /**
   * What would make every client fail to connect, or send credentials nowhere: caught at start with
   * the setting's name, instead of as an authentication error in each stage's log.
   */
  private List<String> problems() {
    List<String> problems = new java.util.ArrayList<>();
    if (sasl()) {
      if (saslUsername == null) {
        problems.add(
            SASL_USERNAME.name() + " is required with " + PROTOCOL.name() + "=" + protocol);
      }
      if (saslPassword == null) {
        problems.add(
            SASL_PASSWORD.name() + " is required with " + PROTOCOL.name() + "=" + protocol);
      }
    } else if (saslUsername != null || saslPassword != null) {
      problems.add(
          SASL_USERNAME.name()
              + "/"
              + SASL_PASSWORD.name()
              + " are set but "
              + PROTOCOL.name()
              + "="
              + protocol
              + " sends no credentials: use SASL_SSL");
    }
    if (!tls() && truststoreLocation != null) {
      problems.add(
          TRUSTSTORE_LOCATION.name()
              + " is set but "
              + PROTOCOL.name()
              + "="
              + protocol
              + " uses no TLS: use SSL or SASL_SSL");
    }
    if (truststoreLocation != null && !Files.isReadable(Path.of(truststoreLocation))) {
      problems.add(TRUSTSTORE_LOCATION.name() + "=" + truststoreLocation + " cannot be read");
    }
    if (truststoreType.equals("PEM") && truststorePassword != null) {
      problems.add(TRUSTSTORE_PASSWORD.name() + " must be unset with a PEM trust store");
    }
    return problems;
  }

  private static String oneOf(Env env, Setting setting, List<String> values) {
    String value = env.string(setting).toUpperCase(Locale.ROOT);
    if (!values.contains(value)) {
      env.problem(setting.name() + "=" + value + " must be one of " + String.join(", ", values));
      return setting.defaultValue();
    }
    return value;
  }

  @Override
  public String toString() {
    return "KafkaSecurity[protocol="
        + protocol
        + ", saslMechanism="
        + saslMechanism
        + ", saslUsername="
        + saslUsername
        + ", truststore="
        + truststoreLocation
        + " ("
        + truststoreType
        + ")]"; // never the passwords
  }
}
