package dev.hookrun.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open event streams per API key, at most SSE_MAX_PER_KEY each: a stream holds a connection, a
 * watcher and a keep-alive timer for as long as its run lasts (up to MAX_RUN_TIME), so without a
 * cap one key could hold them by the thousand. Counted per gateway, like RATE_LIMITS.
 */
final class StreamSlots {

  private final int maxPerKey;
  private final Map<String, Integer> open = new ConcurrentHashMap<>();

  StreamSlots(int maxPerKey) {
    this.maxPerKey = maxPerKey;
  }

  /** Takes a slot of {@code keyId}: false when it already has the most. */
  boolean take(String keyId) {
    boolean[] taken = {false};
    open.compute(
        keyId,
        (k, n) -> {
          int count = n == null ? 0 : n;
          if (count >= maxPerKey) {
            return n;
          }
          taken[0] = true;
          return count + 1;
        });
    return taken[0];
  }

  /** Gives back a slot {@link #take} gave; a key with none left is forgotten. */
  void release(String keyId) {
    open.computeIfPresent(keyId, (k, n) -> n <= 1 ? null : n - 1);
  }

  int maxPerKey() {
    return maxPerKey;
  }
}
