package dev.hookrun.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RecordsTest {

  record Sample(String name, int count, short small) {}

  @Test
  void replacesOnlyTheNamedComponents() {
    Sample sample = new Sample("a", 1, (short) 2);
    assertEquals(new Sample("a", 5, (short) 2), Records.with(sample, "count", 5));
    assertEquals(
        new Sample(null, 1, (short) 3), Records.with(sample, "name", null, "small", (short) 3));
  }

  @Test
  void anUnknownComponentOrAWrongTypeFailsAtOnce() {
    Sample sample = new Sample("a", 1, (short) 2);
    assertThrows(IllegalArgumentException.class, () -> Records.with(sample, "size", 5));
    assertThrows(IllegalArgumentException.class, () -> Records.with(sample, "count", "five"));
    assertThrows(IllegalArgumentException.class, () -> Records.with(sample, "count"));
  }
}
