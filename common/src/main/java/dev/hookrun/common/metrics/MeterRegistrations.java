package dev.hookrun.common.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * How {@link Meters} registers its meters so that each is built once and shared: a cache of built
 * meters, gauges summing every source registered under one name, and gauges bound to a holder the
 * caller sets. Its own class because these are the registry's mechanics; the names, descriptions
 * and tags, which docs/operating.md lists, stay in {@link Meters}.
 */
final class MeterRegistrations {

  private static final Map<Meter.Id, AtomicLong> LAG_HOLDERS = new ConcurrentHashMap<>();
  private static final Map<String, List<IntSupplier>> SUMMED = new ConcurrentHashMap<>();

  /**
   * Meters built once per name and tags: building and registering one is a registry lookup with tag
   * sorting and equality, which the profile showed at several per cent of a gateway's event loop
   * when done per request.
   */
  private static final ConcurrentHashMap<String, Object> CACHE = new ConcurrentHashMap<>();

  private MeterRegistrations() {}

  @SuppressWarnings("unchecked")
  static <M> M cached(String key, java.util.function.Supplier<M> build) {
    return (M) CACHE.computeIfAbsent(key, k -> build.get());
  }

  static MeterRegistry registry() {
    return ServiceMetrics.registry();
  }

  /** The meter was removed from the registry: a later holder of its id is a new one. */
  static void forgetHolder(Meter.Id id) {
    LAG_HOLDERS.remove(id);
  }

  /**
   * A gauge summing every source registered under its name and tags: one per scheduler in a
   * process, several only in tests, where a gauge bound to the first source would go stale.
   */
  static Runnable summedGauge(String name, String description, Tags tags, IntSupplier source) {
    List<IntSupplier> sources =
        SUMMED.computeIfAbsent(
            name + tags,
            key -> {
              List<IntSupplier> list = new CopyOnWriteArrayList<>();
              Gauge.builder(name, list, all -> all.stream().mapToInt(IntSupplier::getAsInt).sum())
                  .description(description)
                  .tags(tags)
                  .strongReference(true)
                  .register(registry());
              return list;
            });
    sources.add(source);
    return () -> sources.remove(source);
  }

  static AtomicLong lagHolder(String name, String description, Tags tags) {
    AtomicLong holder = new AtomicLong();
    Gauge gauge =
        Gauge.builder(name, holder, AtomicLong::doubleValue)
            .description(description)
            .tags(tags)
            .register(registry());
    // Registering an existing id returns the first gauge, bound to the first holder: reuse it.
    return LAG_HOLDERS.computeIfAbsent(gauge.getId(), id -> holder);
  }
}
