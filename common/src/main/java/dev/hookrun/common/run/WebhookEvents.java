package dev.hookrun.common.run;

import io.vertx.core.json.JsonArray;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which of a run's lifecycle events its webhook receives ({@code webhook_events_filter}): {@code
 * start} (a worker began it), {@code progress} (the model reported progress) and {@code completed}
 * (the final state, the only one by default).
 */
public final class WebhookEvents {

  public static final String START = "start";
  public static final String PROGRESS = "progress";
  public static final String COMPLETED = "completed";
  public static final String FIELD = "webhook_events_filter";

  /**
   * The one event of a batch's webhook. Not a run's event: a request cannot ask for it; a batch's
   * completion record carries it as its filter, which is how its webhook body is told apart.
   */
  public static final String BATCH_COMPLETED = "batch.completed";

  public static final List<String> ALL = List.of(START, PROGRESS, COMPLETED);
  public static final List<String> DEFAULT = List.of(COMPLETED);

  private WebhookEvents() {}

  /** Whether a run with {@code filter} (null: the default) sends {@code event}. */
  public static boolean wants(List<String> filter, String event) {
    return (filter == null ? DEFAULT : filter).contains(event);
  }

  /** Whether a final record with {@code filter} gets a webhook: a run's or a batch's completion. */
  public static boolean wantsFinal(List<String> filter) {
    return wants(filter, COMPLETED) || (filter != null && filter.contains(BATCH_COMPLETED));
  }

  /**
   * The filter a request asked for: a non-empty array of known event names, without repeats.
   *
   * @throws IllegalArgumentException with a message for the caller when it is not one
   */
  public static List<String> parse(Object raw) {
    if (!(raw instanceof JsonArray array) || array.isEmpty()) {
      throw new IllegalArgumentException(
          FIELD + " must be a non-empty array of \"start\", \"progress\", \"completed\".");
    }
    Set<String> events = new LinkedHashSet<>();
    for (Object item : array) {
      if (!(item instanceof String name) || !ALL.contains(name)) {
        throw new IllegalArgumentException(
            FIELD
                + " may hold only \"start\", \"progress\" and \"completed\"; got "
                + (item instanceof String ? "\"" + item + "\"" : String.valueOf(item))
                + ".");
      }
      events.add(name);
    }
    return List.copyOf(events);
  }

  static JsonArray toJson(List<String> filter) {
    return filter == null ? null : new JsonArray(filter);
  }

  static List<String> fromJson(JsonArray array) {
    if (array == null) {
      return null;
    }
    return array.stream().map(String::valueOf).toList();
  }
}
