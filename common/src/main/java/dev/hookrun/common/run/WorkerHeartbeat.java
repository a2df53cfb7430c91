package dev.hookrun.common.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;

/**
 * A worker process's newest state on the workers topic (keyed by {@code workerId}): how many runs
 * it can hold, how many it holds, and when it said so. The scheduler sizes what it releases by the
 * slots of the workers it heard from lately, and a worker silent for the lease timeout is taken for
 * dead: the runs it was running are released again.
 *
 * @param state {@link State#UP} while it works; {@link State#LEFT} when it stopped on purpose and
 *     handed back the runs it could not finish (they are released again without counting an
 *     attempt)
 */
public record WorkerHeartbeat(String workerId, int slots, int running, State state, Instant at) {

  public enum State {
    UP,
    LEFT;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("worker_id", workerId)
        .put("slots", slots)
        .put("running", running)
        .put("state", state.wire())
        .put("at", Json.time(at));
  }

  /**
   * @throws IllegalArgumentException (or a JSON exception) for a record that is not a heartbeat
   */
  public static WorkerHeartbeat fromJson(JsonObject json) {
    return new WorkerHeartbeat(
        Json.required(json, "worker_id"),
        json.getInteger("slots", 0),
        json.getInteger("running", 0),
        State.valueOf(json.getString("state", "up").toUpperCase(Locale.ROOT)),
        Json.time(json, "at"));
  }
}
