package dev.hookrun.worker.model;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A blocking model: spins a CPU for {@code cpuMs} milliseconds. It stands for real inference code
 * that holds a thread, so it runs on a bounded worker pool and never on an event loop.
 */
public final class CpuBurnModel implements Model {

  private final WorkerExecutor pool;

  public CpuBurnModel(WorkerExecutor pool) {
    this.pool = pool;
  }

  @Override
  public ModelRun start(JsonObject input) {
    long cpuMs = Math.round(input.getNumber("cpuMs").doubleValue());
    AtomicBoolean cancelled = new AtomicBoolean();
    Future<Object> result =
        pool.executeBlocking(
            () -> {
              long start = System.nanoTime();
              long end = start + cpuMs * 1_000_000;
              long spins = 0;
              while (System.nanoTime() < end) {
                if (cancelled.get()) {
                  throw new RunCancelledException();
                }
                spins += burn();
              }
              return new JsonObject()
                  .put("cpuMs", cpuMs)
                  .put("spins", spins)
                  .put("elapsed_ms", (System.nanoTime() - start) / 1_000_000);
            },
            false);
    return ModelRun.of(result, () -> cancelled.set(true));
  }

  private static long burn() {
    long x = 0;
    for (int i = 0; i < 10_000; i++) {
      x += (x ^ i) * 31;
    }
    return x == 42 ? 0 : 1; // keeps the JIT from removing the loop
  }
}
