package dev.hookrun.worker;

import dev.hookrun.common.run.CancelCommand;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every cancel command on the cancels topic, so a run cancelled while queued is never started, and
 * a running one is stopped by whichever worker holds it.
 *
 * <p>A command is kept for as long as its run could still reach a worker or still be running: the
 * run retention (how long a released run may wait for a worker) plus the longest run time, counted
 * from the command's own time. Bounded by time, not by a count: a count would let one tenant's
 * flood of cancels push out another's, and that one's cancelled run would start and end {@code
 * succeeded}. The memory this takes is bounded by what the gateways admit (a cancel names a run of
 * the caller's own, and runs are rate-limited and capped per project).
 */
final class CancelledRuns {

  private static final Logger LOG = LoggerFactory.getLogger(CancelledRuns.class);

  private final Duration keep;
  private final Clock clock;

  /** Run id to the command's time (epoch ms), in the order read: about the order of time. */
  private final Map<String, Long> runIds = new LinkedHashMap<>();

  private Consumer<String> onCancel = id -> {};

  CancelledRuns(Duration keep, Clock clock) {
    this.keep = keep;
    this.clock = clock;
  }

  void onCancel(Consumer<String> listener) {
    this.onCancel = listener;
  }

  void onRecords(List<ConsumerRecord<String, String>> records) {
    for (ConsumerRecord<String, String> record : records) {
      try {
        CancelCommand command = CancelCommand.fromJson(new JsonObject(record.value()));
        String runId = command.runId();
        runIds.remove(runId); // re-inserted at the end: the newest command for it counts
        runIds.put(runId, record.timestamp());
        if (!command.onlyIfQueued()) {
          onCancel.accept(runId); // a purge leaves runs that already started alone
        }
      } catch (RuntimeException e) {
        LOG.warn(
            "skipping unreadable cancel command at offset {}: {}", record.offset(), e.toString());
      }
    }
    forgetExpired();
  }

  boolean contains(String runId) {
    return runIds.containsKey(runId);
  }

  int size() {
    return runIds.size();
  }

  /** Drops commands older than the window, from the front, where the oldest are. */
  private void forgetExpired() {
    long before = clock.millis() - keep.toMillis();
    Iterator<Long> it = runIds.values().iterator();
    while (it.hasNext() && it.next() < before) {
      it.remove();
    }
  }
}
