package dev.hookrun.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-stage warm-up waits for the busiest JVM's compilers, read from their threads' CPU. */
class CompilerThreadsTest {

  @TempDir Path proc;

  private final AtomicLong nanos = new AtomicLong();

  @Test
  void theBusiestJvmsCompilerThreadsDecide() throws IOException {
    thread(10, 11, "C2 CompilerThre", 100);
    thread(10, 12, "vert.x-eventloo", 5_000); // not a compiler: never counted
    thread(20, 21, "C2 CompilerThre", 100);
    thread(20, 22, "C1 CompilerThre", 100);
    CompilerThreads jit = new CompilerThreads(proc, () -> List.of(10L, 20L), nanos::get);

    second();
    thread(10, 11, "C2 CompilerThre", 110); // 10 ticks: 100 ms in a second
    thread(10, 12, "vert.x-eventloo", 9_000);
    thread(20, 21, "C2 CompilerThre", 150); // 50 + 30 ticks: 800 ms in a second
    thread(20, 22, "C1 CompilerThre", 130);
    assertEquals(0.8, jit.busyShareSinceLastCall(), 1e-9);

    second();
    thread(20, 21, "C2 CompilerThre", 155);
    assertEquals(0.05, jit.busyShareSinceLastCall(), 1e-9, "every JVM quiet");
  }

  @Test
  void compilerThreadsThatComeAndGoAndJvmsThatEndAreCountedForWhatTheyDid() throws IOException {
    thread(10, 11, "C2 CompilerThre", 500);
    CompilerThreads jit = new CompilerThreads(proc, () -> List.of(10L, 30L), nanos::get);

    second();
    // the JVM added a compiler thread since the last look (all its time is new) and retired one
    delete(10, 11);
    thread(10, 13, "C2 CompilerThre", 20);
    assertEquals(0.2, jit.busyShareSinceLastCall(), 1e-9);

    second();
    delete(10, 13);
    assertEquals(0, jit.busyShareSinceLastCall(), 1e-9, "pid 30 never was, pid 10 has none");
  }

  private void second() {
    nanos.addAndGet(1_000_000_000L);
  }

  /** A thread as /proc shows it: its name, and a stat line whose name has spaces and parens. */
  private void thread(long pid, long tid, String name, long ticks) throws IOException {
    Path task = Files.createDirectories(proc.resolve(pid + "/task/" + tid));
    Files.writeString(task.resolve("comm"), name + "\n");
    long utime = ticks - ticks / 4;
    long stime = ticks / 4;
    Files.writeString(
        task.resolve("stat"),
        tid
            + " ("
            + name
            + ") S 1 2 3 0 -1 4194368 100 0 0 0 "
            + utime
            + " "
            + stime
            + " 0 0 20 0 30 0 300 1000 100\n");
  }

  private void delete(long pid, long tid) throws IOException {
    Path task = proc.resolve(pid + "/task/" + tid);
    Files.delete(task.resolve("comm"));
    Files.delete(task.resolve("stat"));
    Files.delete(task);
  }
}
