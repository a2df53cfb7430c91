package dev.hookrun.bench;

import java.util.Arrays;

/** {@code java -jar bench/target/bench.jar <benchmark> [args]}; the scripts in bench/ call it. */
public final class BenchMain {

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    String name = args.length == 0 ? "" : args[0];
    String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
    switch (name) {
      case "worker-capacity" -> WorkerCapacityBench.main(rest);
      case "load" -> LoadDriver.main(rest);
      case "null-system" -> NullSystem.main(rest);
      case "chaos" -> ChaosRun.main(rest);
      default -> {
        System.err.println(
            "usage: bench.jar worker-capacity <bootstrap> <prefix> <worker-pid> | load --url … | null-system [port]");
        System.exit(2);
      }
    }
  }
}
