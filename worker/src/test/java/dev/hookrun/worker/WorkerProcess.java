package dev.hookrun.worker;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A worker in its own JVM, started from the test classpath with WorkerMain, so tests can stop it
 * the way an orchestrator does: SIGTERM (graceful) or SIGKILL (a crash, no goodbye to Kafka).
 */
final class WorkerProcess implements AutoCloseable {

  private final Process process;
  private final Path log;

  WorkerProcess(Map<String, String> env) {
    try {
      log = Files.createTempFile("worker-", ".log");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder builder =
          new ProcessBuilder(
                  java,
                  "-Xmx256m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  WorkerMain.class.getName())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().putAll(env);
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGTERM: the worker drains and leaves the group. */
  void terminate() {
    process.destroy();
  }

  /** SIGKILL: nothing is committed, the group notices only when the session times out. */
  void kill() {
    process.destroyForcibly();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    new File(log.toString()).delete();
  }
}
