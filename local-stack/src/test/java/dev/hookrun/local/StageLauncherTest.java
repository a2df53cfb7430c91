package dev.hookrun.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container entry point's JVM options ({@code docker/jvm-options}, which {@code run.sh} uses
 * too), checked against a stand-in {@code java} that reports a version and prints the options it
 * was started with.
 */
class StageLauncherTest {

  private static final Path ENTRY = Path.of("..", "docker", "run-stage").toAbsolutePath();

  @TempDir Path bin;

  @Test
  void zgcIsGenerationalOnJava21And22AndLeftToTheDefaultElsewhere() throws Exception {
    assertEquals(List.of("-XX:+UseZGC", "-XX:+ZGenerational"), gcOptions("21.0.5", ""));
    assertEquals(List.of("-XX:+UseZGC", "-XX:+ZGenerational"), gcOptions("22", ""));
    // 17 has no generational mode; 23+ are generational by default and deprecate the flag
    assertEquals(List.of("-XX:+UseZGC"), gcOptions("17.0.15", ""));
    assertEquals(List.of("-XX:+UseZGC", "-XX:+UseCompactObjectHeaders"), gcOptions("25.0.1", ""));
  }

  @Test
  void objectHeadersAreCompactFromJava25OnUnlessJavaOptsNameThem() throws Exception {
    assertTrue(gcOptions("25.0.1", "").contains("-XX:+UseCompactObjectHeaders"));
    assertTrue(gcOptions("26", "").contains("-XX:+UseCompactObjectHeaders"));
    // before 25 the option is experimental (24) or missing, and the JVM would refuse to start
    assertFalse(gcOptions("24", "").contains("-XX:+UseCompactObjectHeaders"));
    assertFalse(gcOptions("21.0.5", "").contains("-XX:+UseCompactObjectHeaders"));
    assertFalse(gcOptions("17.0.15", "").contains("-XX:+UseCompactObjectHeaders"));
    List<String> turnedOff = gcOptions("25.0.1", "-XX:-UseCompactObjectHeaders");
    assertEquals(1, turnedOff.stream().filter(o -> o.contains("CompactObjectHeaders")).count());
    assertTrue(turnedOff.contains("-XX:-UseCompactObjectHeaders"), turnedOff.toString());
    // a collector picked in JAVA_OPTS leaves the header layout as it is
    assertTrue(gcOptions("25.0.1", "-XX:+UseG1GC").contains("-XX:+UseCompactObjectHeaders"));
  }

  @Test
  void aCollectorPickedInJavaOptsIsLeftAlone() throws Exception {
    List<String> options = gcOptions("21.0.5", "-XX:+UseG1GC -Xmx1g");
    assertTrue(options.contains("-XX:+UseG1GC"), options.toString());
    assertFalse(options.stream().anyMatch(o -> o.contains("ZGC") || o.contains("ZGenerational")));
  }

  @Test
  void aContainersHeapIsBoundedUnlessJavaOptsBoundIt() throws Exception {
    List<String> bounds =
        options("25.0.1", "").stream()
            .filter(o -> o.startsWith("-Xmx") || o.startsWith("-XX:MaxRAMPercentage"))
            .toList();
    // three quarters of the container's limit, or a fixed bound where it has none
    assertTrue(
        bounds.equals(List.of("-XX:MaxRAMPercentage=75")) || bounds.equals(List.of("-Xmx512m")),
        bounds.toString());
    assertEquals(
        List.of("-Xmx1g"),
        options("25.0.1", "-Xmx1g").stream().filter(o -> o.startsWith("-Xmx")).toList());
    assertFalse(options("25.0.1", "-XX:MaxRAMPercentage=50").contains("-Xmx512m"));
    assertFalse(options("25.0.1", "-XX:MaxRAMPercentage=50").contains("-XX:MaxRAMPercentage=75"));
  }

  /** The options before {@code -jar} that name a collector, its mode or the object headers. */
  private List<String> gcOptions(String version, String javaOpts) throws Exception {
    return options(version, javaOpts).stream()
        .filter(
            o ->
                o.contains("GC")
                    || o.contains("ZGenerational")
                    || o.contains("CompactObjectHeaders"))
        .toList();
  }

  /** The options the container entry starts its java with, before {@code -jar}. */
  private List<String> options(String version, String javaOpts) throws Exception {
    Path java = bin.resolve("java");
    Files.writeString(
        java,
        "#!/bin/sh\n"
            + "if [ \"$1\" = -version ]; then echo 'openjdk version \""
            + version
            + "\" 2026-01-20' >&2; exit 0; fi\n"
            + "echo \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder pb = new ProcessBuilder("sh", ENTRY.toString(), "worker");
    Map<String, String> env = pb.environment();
    env.put("PATH", bin + ":" + env.get("PATH"));
    env.put("JAVA_OPTS", javaOpts);
    // only run.sh's pick-java hands a version on; the container's entry asks its own java
    env.put("JAVA_FEATURE", "99");
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.endsWith("-jar /app/worker.jar"), out);
    List<String> words = List.of(out.split(" "));
    return words.subList(0, words.size() - 2);
  }
}
