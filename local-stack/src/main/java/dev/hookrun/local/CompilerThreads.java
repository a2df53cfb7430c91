package dev.hookrun.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * How busy the JIT compilers of several JVMs are, from the CPU time of their compiler threads as
 * Linux shows it in {@code /proc}: the busiest JVM's share, so that the warm-up of the per-stage
 * run ({@link StageWarmUp}) ends only once every stage's JVM has gone quiet, not the gateway's
 * alone. Another JVM's compile time is not readable from this one; its threads' CPU time is.
 *
 * <p>Compiler threads come and go (the JVM adds C2 threads under load and retires idle ones), so
 * time is counted per thread: a thread new since the last look counts all its time, one that ended
 * loses only what it did since then.
 */
final class CompilerThreads implements JitActivity {

  /** Linux reports thread CPU time in clock ticks of USER_HZ, 100 per second on every arch. */
  private static final double MS_PER_TICK = 10;

  private final Path proc;
  private final Supplier<List<Long>> pids;
  private final LongSupplier nanoTime;
  private Map<Long, Map<Long, Long>> lastTicks;
  private long lastNanos;

  /**
   * @param proc where {@code /proc} is (a folder of the same shape in tests)
   * @param pids the JVMs to watch, asked at every look (a JVM may start or end meanwhile)
   */
  CompilerThreads(Path proc, Supplier<List<Long>> pids, LongSupplier nanoTime) {
    this.proc = proc;
    this.pids = pids;
    this.nanoTime = nanoTime;
    this.lastTicks = ticks();
    this.lastNanos = nanoTime.getAsLong();
  }

  /**
   * The JVMs of this run: the process that started this one and all its children (the per-stage
   * run's broker and its three stages). Where {@code /proc} cannot be read: this JVM's own
   * compilers.
   */
  static JitActivity ofThisRun() {
    Path proc = Path.of("/proc");
    if (!Files.isDirectory(proc.resolve(Long.toString(ProcessHandle.current().pid())))) {
      return JitActivity.ofThisJvm();
    }
    return new CompilerThreads(proc, CompilerThreads::thisRun, System::nanoTime);
  }

  private static List<Long> thisRun() {
    ProcessHandle run = ProcessHandle.current().parent().orElse(ProcessHandle.current());
    return Stream.concat(Stream.of(run), run.children()).map(ProcessHandle::pid).toList();
  }

  @Override
  public synchronized double busyShareSinceLastCall() {
    Map<Long, Map<Long, Long>> now = ticks();
    long nanos = nanoTime.getAsLong();
    double wallMs = Math.max(1, (nanos - lastNanos) / 1e6);
    double busiest = 0;
    for (var process : now.entrySet()) {
      Map<Long, Long> before = lastTicks.getOrDefault(process.getKey(), Map.of());
      long ticks = 0;
      for (var thread : process.getValue().entrySet()) {
        ticks += Math.max(0, thread.getValue() - before.getOrDefault(thread.getKey(), 0L));
      }
      busiest = Math.max(busiest, ticks * MS_PER_TICK / wallMs);
    }
    lastTicks = now;
    lastNanos = nanos;
    return busiest;
  }

  /** CPU ticks (user + system) by compiler thread id, by process id. */
  private Map<Long, Map<Long, Long>> ticks() {
    Map<Long, Map<Long, Long>> out = new HashMap<>();
    for (long pid : pids.get()) {
      Map<Long, Long> threads = new HashMap<>();
      try (Stream<Path> tasks = Files.list(proc.resolve(Long.toString(pid)).resolve("task"))) {
        tasks.forEach(
            task -> {
              Long ticks = compilerTicks(task);
              if (ticks != null) {
                threads.put(Long.parseLong(task.getFileName().toString()), ticks);
              }
            });
      } catch (IOException | UncheckedIOException e) {
        continue; // the process ended: nothing of it compiles any more
      }
      out.put(pid, threads);
    }
    return out;
  }

  /** The thread's CPU ticks if it is a JIT compiler thread, else null. */
  private static Long compilerTicks(Path task) {
    try {
      String name = Files.readString(task.resolve("comm")).strip();
      if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
        return null;
      }
      // after the name's closing parenthesis: state is field 3, utime 14 and stime 15 of stat
      String stat = Files.readString(task.resolve("stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException e) {
      return null; // the thread ended between the listing and the read
    }
  }
}
