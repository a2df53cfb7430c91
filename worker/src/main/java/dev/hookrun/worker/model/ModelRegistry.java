package dev.hookrun.worker.model;

import dev.hookrun.common.apps.AppCatalog;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.Map;
import java.util.Optional;

/** App name → model. Every app of the {@link AppCatalog} has a model here. */
public final class ModelRegistry {

  private final Map<String, Model> models;

  public ModelRegistry(Map<String, Model> models) {
    this.models = Map.copyOf(models);
  }

  /**
   * The platform's built-in models; blocking ones share {@code blockingPool}; the echo model makes
   * at most {@code echoMaxBytes}.
   */
  public static ModelRegistry builtIn(Vertx vertx, WorkerExecutor blockingPool, int echoMaxBytes) {
    return new ModelRegistry(
        Map.of(
            AppCatalog.DELAY, new DelayModel(vertx),
            AppCatalog.CPU_BURN, new CpuBurnModel(blockingPool),
            AppCatalog.ECHO, new EchoModel(echoMaxBytes)));
  }

  public Optional<Model> forApp(String app) {
    return Optional.ofNullable(models.get(app));
  }
}
