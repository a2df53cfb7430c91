package dev.hookrun.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed key pair for a TLS test, made with the running JDK's keytool: a PKCS12 keystore for
 * the server, its certificate as PEM, and on request a PKCS12 truststore holding it.
 *
 * @param keystore the server's key and certificate (PKCS12, {@code password})
 * @param certificate the certificate alone (PEM)
 */
public record TestCertificate(Path keystore, Path certificate, String alias, String password) {

  /**
   * @param subjectAltName as keytool's {@code -ext SAN=}, e.g. {@code IP:127.0.0.1} or {@code
   *     dns:hooks.example.test}
   */
  public static TestCertificate create(
      Path dir, String alias, String commonName, String subjectAltName, String password)
      throws IOException, InterruptedException {
    Path keystore = dir.resolve(alias + ".p12");
    Path certificate = dir.resolve(alias + ".pem");
    keytool(
        "-genkeypair",
        "-alias",
        alias,
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=" + commonName,
        "-ext",
        "SAN=" + subjectAltName,
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        password,
        "-keypass",
        password);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        alias,
        "-keystore",
        keystore.toString(),
        "-storepass",
        password,
        "-file",
        certificate.toString());
    return new TestCertificate(keystore, certificate, alias, password);
  }

  /** A PKCS12 truststore at {@code path} that trusts this certificate. */
  public Path truststore(Path path) throws IOException, InterruptedException {
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        alias,
        "-file",
        certificate.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        path.toString(),
        "-storepass",
        password);
    return path;
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + ": " + output);
    }
  }
}
