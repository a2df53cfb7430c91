package dev.hookrun.worker;

import dev.hookrun.common.run.CancelCommand;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every cancel command on the cancels topic, so a run cancelled while queued is never started, and
 * a running one is stopped by whichever worker holds it. Bounded: the oldest commands go first once
 * {@code capacity} is reached (the topic's retention covers queue TTL + run time).
 */
final class CancelledRuns {

  private static final Logger LOG = LoggerFactory.getLogger(CancelledRuns.class);

  private final int capacity;
  private final Map<String, Boolean> runIds = new LinkedHashMap<>();
  private Consumer<String> onCancel = id -> {};

  CancelledRuns(int capacity) {
    this.capacity = capacity;
  }

  void onCancel(Consumer<String> listener) {
    this.onCancel = listener;
  }

  void onRecords(List<ConsumerRecord<String, String>> records) {
    for (ConsumerRecord<String, String> record : records) {
      try {
        CancelCommand command = CancelCommand.fromJson(new JsonObject(record.value()));
        String runId = command.runId();
        runIds.put(runId, Boolean.TRUE);
        if (runIds.size() > capacity) {
          var it = runIds.keySet().iterator();
          it.next();
          it.remove();
        }
        if (!command.onlyIfQueued()) {
          onCancel.accept(runId); // a purge leaves runs that already started alone
        }
      } catch (RuntimeException e) {
        LOG.warn(
            "skipping unreadable cancel command at offset {}: {}", record.offset(), e.toString());
      }
    }
  }

  boolean contains(String runId) {
    return runIds.containsKey(runId);
  }
}
