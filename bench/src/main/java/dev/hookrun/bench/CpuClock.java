package dev.hookrun.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** CPU seconds (user + system) used by processes, read from /proc/<pid>/stat. */
final class CpuClock {

  private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

  private final Map<String, Long> pids;
  private final Map<String, Double> start = new LinkedHashMap<>();

  CpuClock(Map<String, Long> pids) {
    this.pids = pids;
    pids.forEach((name, pid) -> start.put(name, seconds(pid)));
  }

  /** CPU seconds each process used since this clock was made. */
  Map<String, Double> elapsed() {
    Map<String, Double> out = new LinkedHashMap<>();
    pids.forEach((name, pid) -> out.put(name, seconds(pid) - start.get(name)));
    return out;
  }

  static double seconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // the command name may hold spaces; fields are counted after its closing parenthesis
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long utime = Long.parseLong(fields[11]);
      long stime = Long.parseLong(fields[12]);
      return (utime + stime) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
