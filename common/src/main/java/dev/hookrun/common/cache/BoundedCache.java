package dev.hookrun.common.cache;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The values of the most recently used keys, up to a count, for a pure function of its key that is
 * asked the same question over and over: a webhook URL is checked and taken apart once, not at
 * every predict and every attempt that names it. A key whose function throws is not kept.
 */
public final class BoundedCache<K, V> {

  private final Map<K, V> entries;

  public BoundedCache(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1");
    }
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > maxEntries;
          }
        };
  }

  /** {@code compute(key)}, from memory when the key was seen recently. */
  public synchronized V get(K key, Function<? super K, ? extends V> compute) {
    V value = entries.get(key);
    if (value == null) {
      value = compute.apply(key);
      entries.put(key, value);
    }
    return value;
  }

  public synchronized int size() {
    return entries.size();
  }
}
