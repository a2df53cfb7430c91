package dev.hookrun.common.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedCacheTest {

  @Test
  void aKeySeenRecentlyIsNotComputedAgain() {
    AtomicInteger calls = new AtomicInteger();
    BoundedCache<String, Integer> cache = new BoundedCache<>(2);
    assertEquals(1, cache.get("a", k -> calls.incrementAndGet()));
    assertEquals(1, cache.get("a", k -> calls.incrementAndGet()));
    assertEquals(1, calls.get());
  }

  @Test
  void theLeastRecentlyUsedKeyIsForgottenPastTheBound() {
    AtomicInteger calls = new AtomicInteger();
    BoundedCache<String, Integer> cache = new BoundedCache<>(2);
    cache.get("a", k -> calls.incrementAndGet());
    cache.get("b", k -> calls.incrementAndGet());
    cache.get("a", k -> calls.incrementAndGet()); // a is now the most recent
    cache.get("c", k -> calls.incrementAndGet()); // b goes
    assertEquals(2, cache.size());
    assertEquals(3, calls.get());
    cache.get("a", k -> calls.incrementAndGet());
    assertEquals(3, calls.get(), "a was kept");
    cache.get("b", k -> calls.incrementAndGet());
    assertEquals(4, calls.get(), "b was computed again");
  }

  @Test
  void aKeyWhoseFunctionThrowsIsNotKept() {
    BoundedCache<String, Integer> cache = new BoundedCache<>(4);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            cache.get(
                "bad",
                k -> {
                  throw new IllegalArgumentException(k);
                }));
    assertEquals(0, cache.size());
    assertEquals(5, cache.get("bad", k -> 5));
  }
}
