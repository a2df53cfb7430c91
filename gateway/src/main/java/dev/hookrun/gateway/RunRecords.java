package dev.hookrun.gateway;

import dev.hookrun.common.kafka.SkippingStringDeserializer;
import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.CancelCommand;
import dev.hookrun.common.run.DeliveryState;
import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.common.run.RunProgress;
import dev.hookrun.common.run.RunRequest;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunStarted;
import dev.hookrun.common.run.RunStatus;
import dev.hookrun.common.run.WebhookState;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Turns the records of the four topics a gateway follows into changes of its {@link RunStateView}.
 * Each fact is written once, by the stage that owns it, and read here:
 *
 * <ul>
 *   <li>{@code requests}: the run was accepted (queued, or scheduled while its time lies ahead) —
 *       read from its headers only;
 *   <li>{@code results}: a worker started it ({@code running}), and its outcome with the result;
 *   <li>{@code deliveries}: where its webhook delivery stands;
 *   <li>{@code cancels}: a cancel of a queued run shows at once, before a worker reaches it;
 *   <li>{@code batches}: a batch's record; its items are the requests naming it in a header, its
 *       completion a {@code batch} record on {@code results}, its webhook a state on {@code
 *       deliveries} keyed by the batch id.
 * </ul>
 *
 * No record is ever a copy of another, so a compacted topic never keeps a stale one.
 */
final class RunRecords {

  /** Cancels read before their request (topics are read side by side), applied when it comes. */
  private static final int MAX_EARLY_CANCELS = 10_000;

  /**
   * What one record says. Decoded on the follower's poll thread, so the event loop that answers
   * predicts only folds facts in and never parses an outcome's JSON.
   */
  sealed interface Fact {}

  /**
   * A request: the run is queued (and may retry another, or be item {@code item} of a batch);
   * {@code requestHash} when it was sent with an Idempotency-Key.
   */
  record Accepted(RunState queued, String retryOf, BatchItem item, String requestHash)
      implements Fact {}

  /** Which batch a request is an item of, at which index, and the caller's name for it. */
  record BatchItem(String batchId, int index, String customId) {}

  record BatchDescribed(BatchRecord batch) implements Fact {}

  /** A gateway wrote the batch's completion (its webhook is the dispatchers' now). */
  record BatchCompleted(String batchId) implements Fact {}

  record BatchWebhook(String batchId, WebhookState webhook) implements Fact {}

  /** A worker's or a dispatcher's state of a run: running, its outcome, or its delivery. */
  record Changed(RunState state) implements Fact {}

  record Progressed(String runId, RunStateView.Progress progress) implements Fact {}

  record CancelRequested(String runId, Instant at) implements Fact {}

  private final Topics topics;
  private final RunStateView view;
  private final BatchView batches;
  private final Map<String, Instant> earlyCancels = new HashMap<>();

  /**
   * Request fingerprints of runs sent with an Idempotency-Key, by run id, while the run is kept.
   */
  private final Map<String, String> requestHashes = new HashMap<>();

  /**
   * Shares the strings that repeat across runs in the view; used by {@link #decode} only, on the
   * follower's poll thread.
   */
  private final Interner strings = new Interner(10_000);

  RunRecords(Topics topics, RunStateView view, BatchView batches) {
    this.topics = topics;
    this.view = view;
    this.batches = batches;
  }

  List<String> followedTopics() {
    return List.of(
        topics.requests(),
        topics.results(),
        topics.deliveries(),
        topics.cancels(),
        topics.batches());
  }

  /**
   * Reads one record (on the poll thread; touches no state); {@code null} when it says nothing, and
   * throws on a record it cannot read, which the follower logs, counts and skips.
   */
  Fact decode(ConsumerRecord<String, String> record) {
    String topic = record.topic();
    if (topic.equals(topics.requests())) {
      return new Accepted(
          queued(record).compacted(strings),
          RunHeaders.text(record.headers(), RunHeaders.RETRY_OF),
          batchItem(record.headers()),
          RunHeaders.text(record.headers(), RunHeaders.REQUEST_HASH));
    }
    if (record.value() == null) {
      return null; // a tombstone: nothing to show
    }
    JsonObject json = new JsonObject(record.value());
    if (topic.equals(topics.results())) {
      return switch (RunHeaders.kind(record.headers())) {
        case RunHeaders.KIND_BATCH -> new BatchCompleted(record.key());
        case RunHeaders.KIND_RUNNING -> changed(RunState.running(RunStarted.fromJson(json)));
        case RunHeaders.KIND_PROGRESS -> {
          RunProgress report = RunProgress.fromJson(json);
          yield new Progressed(
              report.runId(),
              new RunStateView.Progress(report.progress(), report.seq(), report.at()));
        }
        default ->
            changed(
                RunState.finished(
                    RunResult.fromJson(json), Instant.ofEpochMilli(record.timestamp())));
      };
    }
    if (topic.equals(topics.deliveries())) {
      DeliveryState delivery = DeliveryState.fromJson(json);
      if (BatchRecord.isBatchId(delivery.runId())) {
        return new BatchWebhook(delivery.runId(), delivery.webhook());
      }
      return changed(RunState.delivering(delivery));
    }
    if (topic.equals(topics.batches())) {
      return new BatchDescribed(BatchRecord.fromJson(json));
    }
    if (topic.equals(topics.cancels())) {
      CancelCommand command = CancelCommand.fromJson(json);
      return new CancelRequested(
          command.runId(),
          command.requestedAt() != null
              ? command.requestedAt()
              : Instant.ofEpochMilli(record.timestamp()));
    }
    return null;
  }

  /** A state as the view keeps it for as long as the run stays (see {@link RunState#compacted}). */
  private Changed changed(RunState state) {
    return new Changed(state.compacted(strings));
  }

  /** Folds decoded facts into the view, on its event loop. */
  void apply(List<Fact> facts) {
    for (Fact fact : facts) {
      // (Java 17: no pattern matching for switch yet)
      if (fact instanceof Accepted accepted) {
        accept(accepted);
      } else if (fact instanceof Changed changed) {
        view.apply(changed.state());
      } else if (fact instanceof Progressed progressed) {
        view.progress(progressed.runId(), progressed.progress());
      } else if (fact instanceof CancelRequested cancel) {
        cancel(cancel.runId(), cancel.at());
      } else if (fact instanceof BatchDescribed described) {
        batches.described(described.batch());
      } else if (fact instanceof BatchCompleted completed) {
        batches.completionWritten(completed.batchId());
      } else if (fact instanceof BatchWebhook webhook) {
        batches.webhook(webhook.batchId(), webhook.webhook());
      }
    }
  }

  private void accept(Accepted accepted) {
    RunState queued = accepted.queued();
    BatchItem item = accepted.item();
    if (item != null) {
      // before the run: the view's change listener then finds it a member
      batches.member(
          item.batchId(), item.index(), queued.runId(), item.customId(), view.get(queued.runId()));
    }
    view.apply(queued);
    if (accepted.requestHash() != null) {
      requestHashes.put(queued.runId(), accepted.requestHash());
    }
    if (accepted.retryOf() != null) {
      view.retried(accepted.retryOf(), queued.runId());
    }
    Instant cancelledAt = earlyCancels.remove(queued.runId());
    if (cancelledAt != null) {
      cancel(queued.runId(), cancelledAt);
    }
  }

  private static BatchItem batchItem(Headers headers) {
    String batchId = RunHeaders.text(headers, RunHeaders.BATCH);
    if (batchId == null) {
      return null;
    }
    int index;
    try {
      index = Integer.parseInt(RunHeaders.text(headers, RunHeaders.BATCH_INDEX));
    } catch (NumberFormatException e) {
      return null;
    }
    return new BatchItem(batchId, index, RunHeaders.text(headers, RunHeaders.CUSTOM_ID));
  }

  /** The queued state from the request's headers; the value (the model input) is not decoded. */
  private static RunState queued(ConsumerRecord<String, String> record) {
    Headers headers = record.headers();
    String project = RunHeaders.text(headers, RunHeaders.PROJECT);
    if (project == null) {
      // a request written before the headers existed
      return RunState.queued(
          RunRequest.fromJson(new JsonObject(record.value())),
          Instant.ofEpochMilli(record.timestamp()));
    }
    Instant created = RunHeaders.instant(headers, RunHeaders.CREATED_AT);
    // scheduled when its time lay ahead as it was accepted; the view queues it when its time comes
    return RunState.queued(
        record.key(),
        project,
        RunHeaders.text(headers, RunHeaders.APP),
        created != null ? created : Instant.ofEpochMilli(record.timestamp()),
        RunHeaders.text(headers, RunHeaders.WEBHOOK),
        RunHeaders.priority(headers),
        RunHeaders.instant(headers, RunHeaders.SCHEDULED_FOR),
        Instant.ofEpochMilli(record.timestamp()));
  }

  /**
   * Applies a cancel command: a run still queued or scheduled shows cancelled; others wait for
   * their worker.
   */
  void cancel(String runId, Instant at) {
    RunState state = view.get(runId);
    if (state == null) {
      if (earlyCancels.size() < MAX_EARLY_CANCELS) {
        earlyCancels.put(runId, at);
      }
      return;
    }
    if (state.status() == RunStatus.QUEUED || state.status() == RunStatus.SCHEDULED) {
      view.apply(RunState.cancelledByGateway(state, at));
    }
  }

  /**
   * Forgets cancels whose request never came (another prefix, or long gone); called periodically.
   */
  void sweep() {
    earlyCancels.clear();
    requestHashes.keySet().removeIf(runId -> view.get(runId) == null);
  }

  /**
   * The fingerprint of the request that made a run sent with an Idempotency-Key; null for a run
   * sent without one (or before fingerprints were kept).
   */
  String requestHash(String runId) {
    return requestHashes.get(runId);
  }

  /** This gateway's own request, known before its record is read back. */
  void requestSent(String runId, String requestHash) {
    requestHashes.put(
        runId, requestHash); // a key reused after its run left the retention: the new one
  }

  /**
   * Skips the values of requests that carry the run's identity in headers: a gateway needs project,
   * app, creation time, webhook and priority, not the model's input, which may be a megabyte.
   */
  static final class SkipRequestValues extends SkippingStringDeserializer {

    private final String requestsTopic;

    SkipRequestValues(String requestsTopic) {
      this.requestsTopic = requestsTopic;
    }

    @Override
    protected boolean skip(String topic, Headers headers) {
      return topic.equals(requestsTopic) && headers.lastHeader(RunHeaders.PROJECT) != null;
    }
  }
}
