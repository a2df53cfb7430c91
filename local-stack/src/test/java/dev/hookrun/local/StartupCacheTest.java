package dev.hookrun.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up cache {@code run.sh} starts from ({@code local-stack/startup-cache}), against a
 * stand-in JDK whose java writes the file a training run is told to write and logs every start.
 */
class StartupCacheTest {

  private static final Path SCRIPT = Path.of("startup-cache").toAbsolutePath();

  @TempDir Path root;
  private Path jar;
  private Path starts;

  @BeforeEach
  void standIns() throws IOException {
    jar = root.resolve("target/local-stack.jar");
    Files.createDirectories(jar.getParent());
    Files.writeString(jar, "a jar");
    starts = root.resolve("starts.log");
  }

  @Test
  void theFirstStartTrainsTheCacheAndLaterStartsLoadIt() throws Exception {
    Result first = source(jdk("25"), "25", "", "all");
    assertEquals("-XX:AOTCache=" + jar.getParent().resolve("local-stack.aot"), first.options());
    assertTrue(first.said().contains("a training run makes the start-up cache"), first.said());
    assertTrue(Files.readString(starts).contains("-XX:AOTCacheOutput="), Files.readString(starts));
    assertTrue(Files.readString(starts).trim().endsWith("train"), Files.readString(starts));

    Files.delete(starts);
    Result second = source(jdk("25"), "25", "", "all");
    assertEquals(first.options(), second.options());
    assertEquals("", second.said());
    assertFalse(Files.exists(starts), "no second training run");
  }

  @Test
  void beforeJava25ItIsADynamicCdsArchive() throws Exception {
    Result result = source(jdk("17"), "17", "", "gateway");
    assertEquals(
        "-XX:SharedArchiveFile=" + jar.getParent().resolve("local-stack.jsa"), result.options());
    assertTrue(Files.readString(starts).contains("-XX:ArchiveClassesAtExit="));
  }

  @Test
  void aCacheOfAnotherJarIsIgnoredWithOneLineAndMadeAnew() throws Exception {
    Path java = jdk("25");
    source(java, "25", "", "all");
    Files.writeString(jar, "another jar, another size");
    Files.delete(starts);
    Result result = source(java, "25", "", "all");
    assertTrue(result.options().startsWith("-XX:AOTCache="), result.options());
    assertEquals(
        1, result.said().lines().filter(l -> l.contains("ignoring the start-up cache")).count());
    assertTrue(Files.exists(starts), "trained again");
  }

  @Test
  void aCommandThatIsNoServerUsesAMatchingCacheButNeverTrainsOne() throws Exception {
    Result receiver = source(jdk("25"), "25", "", "receiver");
    assertEquals("", receiver.options());
    assertFalse(Files.exists(starts), "the receiver trained a cache");
  }

  @Test
  void aTrainingRunThatFailsLeavesTheStartWithoutACache() throws Exception {
    Result result = source(jdk("25", "exit 1"), "25", "", "all");
    assertEquals("", result.options());
    assertTrue(result.said().contains("the training run failed"), result.said());
  }

  @Test
  void javaOptsThatNameACacheOrTurnSharingOffLeaveItOut() throws Exception {
    assertEquals("", source(jdk("25"), "25", "-Xshare:off", "all").options());
    assertEquals("", source(jdk("25"), "25", "-XX:AOTCache=/tmp/mine.aot", "all").options());
    assertFalse(Files.exists(starts), "trained although JAVA_OPTS chose");
  }

  private record Result(String options, String said) {}

  private Result source(Path java, String feature, String javaOpts, String command)
      throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
            "bash",
            "-c",
            "set -euo pipefail; source \"$0\" \"$1\"; echo \"$CACHE_OPTS\"",
            SCRIPT.toString(),
            command);
    Map<String, String> env = pb.environment();
    env.put("JAR", jar.toString());
    env.put("JAVA_BIN", java.toString());
    env.put("JAVA_FEATURE", feature);
    env.put("JVM_OPTS", "-XX:+UseZGC");
    env.put("HEAP_OPTS", "-Xmx512m");
    env.put("JAVA_OPTS", javaOpts);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), err);
    return new Result(out, err);
  }

  private Path jdk(String version) throws IOException {
    return jdk(version, "");
  }

  /**
   * A stand-in JDK: its java logs its arguments and, told to write a cache or archive, writes it
   * (then runs {@code thenRun}, e.g. a failing exit).
   */
  private Path jdk(String version, String thenRun) throws IOException {
    Path home = root.resolve("jdk-" + version);
    Files.createDirectories(home.resolve("bin"));
    Path java = home.resolve("bin/java");
    Files.writeString(
        java,
        "#!/bin/bash\n"
            + "echo \"$*\" >>'"
            + starts
            + "'\n"
            + "for a in \"$@\"; do case $a in -XX:AOTCacheOutput=*|-XX:ArchiveClassesAtExit=*)"
            + " echo cache >\"${a#*=}\" ;; esac; done\n"
            + thenRun
            + "\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
    return java;
  }
}
