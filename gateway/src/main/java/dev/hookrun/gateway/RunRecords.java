package dev.hookrun.gateway;

import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.CancelCommand;
import dev.hookrun.common.run.DeliveryState;
import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.common.run.RunProgress;
import dev.hookrun.common.run.RunRequest;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunStarted;
import dev.hookrun.common.run.RunState;
import dev.hookrun.common.run.RunStatus;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the records of the four topics a gateway follows into changes of its {@link RunStateView}.
 * Each fact is written once, by the stage that owns it, and read here:
 * <ul>
 *   <li>{@code requests}: the run was accepted (queued) — read from its headers only;
 *   <li>{@code results}: a worker started it ({@code running}), and its outcome with the result;
 *   <li>{@code deliveries}: where its webhook delivery stands;
 *   <li>{@code cancels}: a cancel of a queued run shows at once, before a worker reaches it.
 * </ul>
 * No record is ever a copy of another, so a compacted topic never keeps a stale one.
 */
final class RunRecords {

  private static final Logger LOG = LoggerFactory.getLogger(RunRecords.class);
  /** Cancels read before their request (topics are read side by side), applied when it comes. */
  private static final int MAX_EARLY_CANCELS = 10_000;

  private final Topics topics;
  private final RunStateView view;
  private final Map<String, Instant> earlyCancels = new HashMap<>();
  private long unreadable;

  RunRecords(Topics topics, RunStateView view) {
    this.topics = topics;
    this.view = view;
  }

  List<String> followedTopics() {
    return List.of(topics.requests(), topics.results(), topics.runState(), topics.cancels());
  }

  void onRecords(List<ConsumerRecord<String, String>> records) {
    for (ConsumerRecord<String, String> record : records) {
      try {
        apply(record);
      } catch (RuntimeException e) {
        unreadable++;
        LOG.warn("skipping unreadable record {}-{}@{} ({} so far): {}", record.topic(), record.partition(),
            record.offset(), unreadable, e.toString());
      }
    }
  }

  long unreadable() {
    return unreadable;
  }

  private void apply(ConsumerRecord<String, String> record) {
    String topic = record.topic();
    if (topic.equals(topics.requests())) {
      RunState queued = queued(record);
      view.apply(queued);
      String retryOf = RunHeaders.text(record.headers(), RunHeaders.RETRY_OF);
      if (retryOf != null) {
        view.retried(retryOf, queued.runId());
      }
      Instant cancelledAt = earlyCancels.remove(queued.runId());
      if (cancelledAt != null) {
        cancel(queued.runId(), cancelledAt);
      }
      return;
    }
    if (record.value() == null) {
      return; // a tombstone: nothing to show
    }
    JsonObject json = new JsonObject(record.value());
    if (topic.equals(topics.results())) {
      switch (RunHeaders.kind(record.headers())) {
        case RunHeaders.KIND_RUNNING -> view.apply(RunState.running(RunStarted.fromJson(json)));
        case RunHeaders.KIND_PROGRESS -> {
          RunProgress report = RunProgress.fromJson(json);
          view.progress(report.runId(), new RunStateView.Progress(report.progress(), report.seq(), report.at()));
        }
        default -> view.apply(RunState.finished(RunResult.fromJson(json), Instant.ofEpochMilli(record.timestamp())));
      }
    } else if (topic.equals(topics.runState())) {
      view.apply(RunState.delivering(DeliveryState.fromJson(json)));
    } else if (topic.equals(topics.cancels())) {
      CancelCommand command = CancelCommand.fromJson(json);
      cancel(command.runId(), command.requestedAt() != null ? command.requestedAt()
          : Instant.ofEpochMilli(record.timestamp()));
    }
  }

  /** The queued state from the request's headers; the value (the model input) is not decoded. */
  private static RunState queued(ConsumerRecord<String, String> record) {
    Headers headers = record.headers();
    String project = RunHeaders.text(headers, RunHeaders.PROJECT);
    if (project == null) {
      // a request written before the headers existed
      return RunState.queued(RunRequest.fromJson(new JsonObject(record.value())), Instant.ofEpochMilli(record.timestamp()));
    }
    Instant created = RunHeaders.instant(headers, RunHeaders.CREATED_AT);
    return RunState.queued(record.key(), project, RunHeaders.text(headers, RunHeaders.APP),
        created != null ? created : Instant.ofEpochMilli(record.timestamp()),
        RunHeaders.text(headers, RunHeaders.WEBHOOK));
  }

  /** Applies a cancel command: a run still queued shows cancelled; others wait for their worker. */
  void cancel(String runId, Instant at) {
    RunState state = view.get(runId);
    if (state == null) {
      if (earlyCancels.size() < MAX_EARLY_CANCELS) {
        earlyCancels.put(runId, at);
      }
      return;
    }
    if (state.status() == RunStatus.QUEUED) {
      view.apply(RunState.cancelledByGateway(state, at));
    }
  }

  /** Forgets cancels whose request never came (another prefix, or long gone); called periodically. */
  void sweep() {
    earlyCancels.clear();
  }

  /**
   * Skips the values of requests that carry the run's identity in headers: a gateway needs
   * project, app, creation time and webhook, not the model's input, which may be a megabyte.
   */
  static final class SkipRequestValues implements Deserializer<String> {

    private final String requestsTopic;

    SkipRequestValues(String requestsTopic) {
      this.requestsTopic = requestsTopic;
    }

    @Override
    public String deserialize(String topic, byte[] data) {
      return data == null ? null : new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public String deserialize(String topic, Headers headers, byte[] data) {
      return skip(topic, headers) ? null : deserialize(topic, data);
    }

    @Override
    public String deserialize(String topic, Headers headers, ByteBuffer data) {
      if (data == null || skip(topic, headers)) {
        return null;
      }
      return data.hasArray()
          ? new String(data.array(), data.arrayOffset() + data.position(), data.remaining(), StandardCharsets.UTF_8)
          : StandardCharsets.UTF_8.decode(data.duplicate()).toString();
    }

    private boolean skip(String topic, Headers headers) {
      return topic.equals(requestsTopic) && headers.lastHeader(RunHeaders.PROJECT) != null;
    }
  }
}
