package dev.hookrun.common.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;

/**
 * Copies of a config record with some components changed ({@code withMaxInflight(5)} and the like):
 * the one place that knows how to rebuild a record, so a config's withers name only what they
 * change and a new component is added to the record alone.
 */
public final class Records {

  private Records() {}

  /**
   * {@code record} with the named components replaced: {@code changes} is name, value, name, value,
   * .... A name the record does not have, or a value of the wrong type, is a programming error and
   * fails at once.
   */
  @SuppressWarnings("unchecked")
  public static <R extends Record> R with(R record, Object... changes) {
    if (changes.length % 2 != 0) {
      throw new IllegalArgumentException("changes come as name, value pairs");
    }
    RecordComponent[] components = record.getClass().getRecordComponents();
    Object[] values = new Object[components.length];
    try {
      for (int i = 0; i < components.length; i++) {
        values[i] = components[i].getAccessor().invoke(record);
      }
      for (int c = 0; c < changes.length; c += 2) {
        values[index(components, (String) changes[c])] = changes[c + 1];
      }
      Class<?>[] types =
          Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
      Constructor<?> canonical = record.getClass().getDeclaredConstructor(types);
      return (R) canonical.newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot copy " + record.getClass().getSimpleName(), e);
    }
  }

  private static int index(RecordComponent[] components, String name) {
    for (int i = 0; i < components.length; i++) {
      if (components[i].getName().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("the record has no component " + name);
  }
}
