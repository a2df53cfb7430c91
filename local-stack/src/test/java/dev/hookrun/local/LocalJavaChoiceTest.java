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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which JVM {@code run.sh} starts ({@code local-stack/pick-java}), against stand-in JDK folders: a
 * {@code release} file like a real JDK's, or only a {@code java} that reports its version.
 */
class LocalJavaChoiceTest {

  private static final Path PICK_JAVA = Path.of("pick-java").toAbsolutePath();

  @TempDir Path root;

  @Test
  void aPathJavaOlderThan21GivesWayToTheNewestInstalled21OrLater() throws Exception {
    Path path = jdk("path", "openjdk-17", "17.0.15");
    jdk("installed", "jdk-21", "21.0.5");
    Path newest = jdk("installed", "jdk-25", "25.0.3");
    jdk("installed", "jdk-19", "19.0.2");

    Choice choice = pick(path, null);

    assertEquals(newest.resolve("bin/java").toString(), choice.javaBin());
    assertEquals("25", choice.feature());
    assertTrue(choice.said().contains("Java 25"), choice.said());
  }

  @Test
  void aPathJava21OrLaterIsKeptEvenWithANewerOneInstalled() throws Exception {
    Path path = jdk("path", "jdk-21", "21.0.5");
    jdk("installed", "jdk-25", "25.0.3");

    Choice choice = pick(path, null);

    assertEquals(path.resolve("bin/java").toString(), choice.javaBin());
    assertEquals("21", choice.feature());
    assertEquals("", choice.said());
  }

  @Test
  void javaHomeAlwaysWins() throws Exception {
    Path path = jdk("path", "openjdk-17", "17.0.15");
    Path home = jdk("home", "jdk-17", "17.0.2");
    jdk("installed", "jdk-25", "25.0.3");

    Choice choice = pick(path, home);

    assertEquals(home.resolve("bin/java").toString(), choice.javaBin());
    assertEquals("17", choice.feature());
  }

  @Test
  void noInstalled21MeansThePathsJava() throws Exception {
    Path path = jdk("path", "openjdk-17", "17.0.15");
    jdk("installed", "jdk-19", "19.0.2");

    Choice choice = pick(path, null);

    assertEquals(path.resolve("bin/java").toString(), choice.javaBin());
    assertEquals("17", choice.feature());
    assertFalse(choice.said().contains("Java"), choice.said());
  }

  @Test
  void aJdkWithoutAReleaseFileIsAskedForItsVersion() throws Exception {
    Path path = jdk("path", "openjdk-17", "17.0.15");
    Path unlabelled = jdk("installed", "jdk-22", "22.0.1");
    Files.delete(unlabelled.resolve("release"));

    Choice choice = pick(path, null);

    assertEquals(unlabelled.resolve("bin/java").toString(), choice.javaBin());
    assertEquals("22", choice.feature());
  }

  /** {@code feature}: the version pick-java hands on to docker/jvm-options. */
  private record Choice(String javaBin, String feature, String said) {}

  /** Sources pick-java with {@code pathJdk}'s bin first on the PATH; prints what it chose. */
  private Choice pick(Path pathJdk, Path javaHome) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
            "bash",
            "-c",
            "set -euo pipefail; source \"$0\"; echo \"$JAVA_BIN\"; echo \"$JAVA_FEATURE\"",
            PICK_JAVA.toString());
    Map<String, String> env = pb.environment();
    env.put("PATH", pathJdk.resolve("bin") + ":/usr/bin:/bin");
    env.put("JAVA_SEARCH_DIRS", root.resolve("installed").toString());
    env.remove("JAVA_HOME");
    if (javaHome != null) {
      env.put("JAVA_HOME", javaHome.toString());
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), err);
    String[] lines = out.split("\n");
    assertEquals(2, lines.length, out);
    return new Choice(lines[0], lines[1], err);
  }

  /**
   * A stand-in JDK under {@code root/group/name}: a release file and a java that reports {@code
   * version} on -version (as a real one does, on stderr).
   */
  private Path jdk(String group, String name, String version) throws IOException {
    Path home = root.resolve(group).resolve(name);
    Files.createDirectories(home.resolve("bin"));
    Path java = home.resolve("bin/java");
    Files.writeString(
        java,
        "#!/bin/sh\nif [ \"$1\" = -version ]; then echo 'openjdk version \""
            + version
            + "\" 2026-01-20' >&2; fi\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
    return home;
  }
}
