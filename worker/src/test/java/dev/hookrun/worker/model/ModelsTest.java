package dev.hookrun.worker.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.apps.AppCatalog;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ModelsTest {

  private final Vertx vertx = Vertx.vertx();
  private final WorkerExecutor pool =
      vertx.createSharedWorkerExecutor("test-models", 2, 10, TimeUnit.SECONDS);

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void everyAppOfTheCatalogHasAModel() {
    ModelRegistry registry = ModelRegistry.builtIn(vertx, pool, 1_000);
    AppCatalog.apps().forEach(app -> assertTrue(registry.forApp(app).isPresent(), app));
  }

  @Test
  void theDelayModelSleepsOnATimerAndReportsIt() throws Exception {
    long t0 = System.nanoTime();
    Object out =
        new DelayModel(vertx)
            .start(new JsonObject().put("delayMins", 0.005))
            .result()
            .await(5, TimeUnit.SECONDS);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    JsonObject result = (JsonObject) out;
    assertEquals(0.005, result.getDouble("delayMins"));
    assertTrue(result.getLong("slept_ms") >= 290 && ms >= 290, "slept " + ms + " ms");
  }

  @Test
  void aZeroDelayEndsWithoutSleeping() throws Exception {
    JsonObject result =
        (JsonObject)
            new DelayModel(vertx)
                .start(new JsonObject().put("delayMins", 0))
                .result()
                .await(5, TimeUnit.SECONDS);
    assertEquals(0, result.getInteger("delayMins"));
    long slept = result.getLong("slept_ms");
    assertTrue(slept >= 0 && slept < 1_000, "slept " + slept + " ms");
    assertEquals("Slept for " + slept + " ms as requested.", result.getString("message"));
  }

  @Test
  void aCancelledDelayRunFailsWithCancellation() {
    ModelRun run = new DelayModel(vertx).start(new JsonObject().put("delayMins", 10));
    run.cancel();
    assertTrue(run.result().failed());
    assertInstanceOf(RunCancelledException.class, run.result().cause());
  }

  @Test
  void theCpuModelRunsOnTheBlockingPoolAndCanBeCancelled() throws Exception {
    ModelRun run = new CpuBurnModel(pool).start(new JsonObject().put("cpuMs", 50));
    JsonObject result = (JsonObject) run.result().await(5, TimeUnit.SECONDS);
    assertEquals(50, result.getLong("cpuMs"));
    assertTrue(result.getLong("elapsed_ms") >= 50);

    ModelRun long_ = new CpuBurnModel(pool).start(new JsonObject().put("cpuMs", 60_000));
    long_.cancel();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> long_.result().isComplete());
    assertTrue(long_.result().failed(), "a cancelled CPU run must not complete");
    assertInstanceOf(RunCancelledException.class, long_.result().cause());
  }

  @Test
  void theEchoModelBuildsNothingOverItsBound() throws Exception {
    EchoModel echo = new EchoModel(1_000);
    JsonObject made =
        (JsonObject)
            echo.start(new JsonObject().put("payloadBytes", 1_000))
                .result()
                .await(5, TimeUnit.SECONDS);
    assertEquals(1_000, made.getString("payload").length());
    ModelRun over = echo.start(new JsonObject().put("payloadBytes", 64 * 1024 * 1024));
    assertTrue(
        over.result().failed(), "a request past the bound fails instead of filling the heap");
    assertTrue(over.result().cause().getMessage().contains("ECHO_MAX_BYTES"));
  }
}
