package dev.hookrun.local;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * How busy the JIT compilers are: compilation time per second of wall time since the last look.
 *
 * <p>On a two-core machine the C2 compiler keeps a core busy for about a minute of load after a
 * start (broker, Kafka clients, Netty and Vert.x all get hot at once), and the code it has not
 * compiled yet runs in the slower profiling tier meanwhile: about half of a run's CPU in that
 * minute (docs/PERFORMANCE.md). The warm-up watches this to know when that minute is over.
 */
interface JitActivity {

  /**
   * Compiler time (summed over compiler threads) per wall second since the previous call; the first
   * call measures since creation. 1.0 is one compiler thread busy all the time.
   */
  double busyShareSinceLastCall();

  /** The running JVM's compilers; "never busy" when the JVM does not report compile time. */
  static JitActivity ofThisJvm() {
    CompilationMXBean bean = ManagementFactory.getCompilationMXBean();
    if (bean == null || !bean.isCompilationTimeMonitoringSupported()) {
      return () -> 0;
    }
    return new JitActivity() {
      private long lastCompileMs = bean.getTotalCompilationTime();
      private long lastNanos = System.nanoTime();

      @Override
      public synchronized double busyShareSinceLastCall() {
        long compileMs = bean.getTotalCompilationTime();
        long now = System.nanoTime();
        double wallMs = Math.max(1, (now - lastNanos) / 1e6);
        double share = (compileMs - lastCompileMs) / wallMs;
        lastCompileMs = compileMs;
        lastNanos = now;
        return share;
      }
    };
  }
}
