package dev.hookrun.ops.model;

import dev.hookrun.common.delivery.DeadLetter;
import dev.hookrun.common.delivery.EndpointKey;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Which dead letters a filtered replay puts back: dead-lettered in [{@code since}, {@code until}),
 * of a project, to an endpoint (its URL or endpoint; the query is ignored), for a reason. A null
 * field matches everything.
 */
public record ReplayFilter(
    Instant since, Instant until, String project, String endpoint, String reason)
    implements Predicate<DeadLetter> {

  @Override
  public boolean test(DeadLetter letter) {
    String wantedEndpoint = endpoint == null ? null : EndpointKey.of(endpoint);
    return (since == null || !letter.deadAt().isBefore(since))
        && (until == null || letter.deadAt().isBefore(until))
        && (project == null
            || letter.delivery() != null && project.equals(letter.delivery().result().project()))
        && (endpoint == null
            || wantedEndpoint != null
                && Objects.equals(wantedEndpoint, EndpointKey.of(letter.endpoint())))
        && (reason == null || reason.equals(letter.reason()));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("since", since == null ? null : since.toString())
        .put("until", until == null ? null : until.toString())
        .put("project", project)
        .put("endpoint", endpoint)
        .put("reason", reason);
  }
}
