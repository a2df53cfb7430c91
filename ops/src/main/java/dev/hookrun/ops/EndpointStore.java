package dev.hookrun.ops;

import dev.hookrun.common.delivery.EndpointState;
import dev.hookrun.common.delivery.EndpointTopic;
import java.util.Comparator;
import java.util.List;

/**
 * The webhook endpoints an operator sees and enables, through the common {@link EndpointTopic}.
 * Methods block (they talk to Kafka); callers on an event loop run them through {@code
 * executeBlocking}.
 */
public final class EndpointStore {

  private final KafkaAccess access;

  EndpointStore(KafkaAccess access) {
    this.access = access;
  }

  /**
   * The endpoints the dispatchers attempted, of {@code project} and {@code disabled} when given,
   * the least healthy first (disabled, then the longest failing streak).
   */
  public List<EndpointState> list(String project, Boolean disabled) {
    return call(
        topic ->
            topic.read().values().stream()
                .filter(s -> project == null || project.equals(s.project()))
                .filter(s -> disabled == null || disabled == s.disabled())
                .sorted(
                    Comparator.comparing((EndpointState s) -> !s.disabled())
                        .thenComparing(
                            EndpointState::consecutiveFailures, Comparator.reverseOrder())
                        .thenComparing(EndpointState::endpoint))
                .toList());
  }

  /** Enables a disabled endpoint; NOT_FOUND when no dispatcher knows it or it is not disabled. */
  public EndpointState enable(String endpoint) {
    return call(
        topic ->
            topic
                .enable(endpoint)
                .orElseThrow(
                    () ->
                        OpsException.notFound(
                            "No disabled endpoint "
                                + endpoint
                                + " (GET /ops/endpoints?disabled=true lists them).")));
  }

  private <T> T call(java.util.function.Function<EndpointTopic, T> query) {
    try {
      return query.apply(new EndpointTopic(access.kafka()));
    } catch (IllegalStateException e) {
      throw OpsException.unavailable(e.getMessage());
    }
  }
}
