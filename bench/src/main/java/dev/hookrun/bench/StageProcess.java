package dev.hookrun.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One stage of the platform as its own OS process, which chaos can kill and start again. */
final class StageProcess {

  private final String name;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path log;
  private Process process;

  StageProcess(String name, String jar, List<String> args, Map<String, String> env, Path logDir) {
    this.name = name;
    this.command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-jar",
                jar));
    this.command.addAll(args);
    this.env = env;
    this.log = logDir.resolve(name + ".log");
  }

  StageProcess start() {
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(log.toString())));
      builder.environment().putAll(env);
      process = builder.start();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL: no drain, no commit, no goodbye to the group. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM: the stage's graceful stop. */
  void stop() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }

  long pid() {
    return process.pid();
  }

  String name() {
    return name;
  }

  Path log() {
    return log;
  }
}
