package dev.hookrun.gateway.console;

import dev.hookrun.common.run.RunStatus;
import dev.hookrun.gateway.RunState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;

/**
 * Runs accepted, succeeded and failed per second over the last hour, counted from the gateway's run
 * view by each run's own times (created, completed): a restarted gateway re-reads the retention and
 * so draws the same hour again, instead of a gap followed by a burst.
 *
 * <p>Not thread-safe: fed and read on the gateway's event loop.
 */
public final class RunRates {

  static final int SECONDS = 3_600;

  private final Clock clock;
  private final long[] slotSecond = new long[SECONDS];
  private final int[] accepted = new int[SECONDS];
  private final int[] succeeded = new int[SECONDS];
  private final int[] failed = new int[SECONDS];

  public RunRates(Clock clock) {
    this.clock = clock;
    java.util.Arrays.fill(slotSecond, -1);
  }

  /** One fact folded into the view: the run's state before (null when new) and after. */
  public void changed(RunState before, RunState after) {
    if (before == null && after.createdAt() != null) {
      count(accepted, after.createdAt());
    }
    boolean ended = after.status().isFinal() && (before == null || !before.status().isFinal());
    if (ended && after.completedAt() != null) {
      if (after.status() == RunStatus.SUCCEEDED) {
        count(succeeded, after.completedAt());
      } else if (after.status() == RunStatus.FAILED) {
        count(failed, after.completedAt());
      }
    }
  }

  private void count(int[] series, Instant at) {
    long second = at.getEpochSecond();
    long now = clock.instant().getEpochSecond();
    if (second <= now - SECONDS || second > now + 5) {
      return; // outside the hour drawn (or a clock far ahead)
    }
    int slot = (int) Math.floorMod(second, (long) SECONDS);
    if (slotSecond[slot] != second) {
      slotSecond[slot] = second;
      accepted[slot] = 0;
      succeeded[slot] = 0;
      failed[slot] = 0;
    }
    series[slot]++;
  }

  /**
   * The hour as arrays of epoch seconds and counts (oldest first, the current second last), the
   * layout a uPlot chart takes, plus totals over the last five minutes.
   */
  public JsonObject lastHour() {
    long now = clock.instant().getEpochSecond();
    JsonArray times = new JsonArray();
    JsonArray acc = new JsonArray();
    JsonArray ok = new JsonArray();
    JsonArray bad = new JsonArray();
    JsonObject recent = new JsonObject().put("accepted", 0).put("succeeded", 0).put("failed", 0);
    for (long second = now - SECONDS + 1; second <= now; second++) {
      int slot = (int) Math.floorMod(second, (long) SECONDS);
      boolean held = slotSecond[slot] == second;
      int a = held ? accepted[slot] : 0;
      int s = held ? succeeded[slot] : 0;
      int f = held ? failed[slot] : 0;
      times.add(second);
      acc.add(a);
      ok.add(s);
      bad.add(f);
      if (second > now - 300) {
        recent.put("accepted", recent.getInteger("accepted") + a);
        recent.put("succeeded", recent.getInteger("succeeded") + s);
        recent.put("failed", recent.getInteger("failed") + f);
      }
    }
    return new JsonObject()
        .put("time", times)
        .put("accepted", acc)
        .put("succeeded", ok)
        .put("failed", bad)
        .put("last_5_min", recent);
  }
}
