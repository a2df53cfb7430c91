package dev.hookrun.gateway;

import dev.hookrun.common.run.RunStatus;
import dev.hookrun.common.run.WebhookState;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * This gateway's picture of every batch, folded from the batches topic (each batch's record) and
 * the requests naming a batch in their headers (its items), with each item's status kept as the run
 * view reports changes. Every gateway reads the same records, so every one sees the same batches,
 * also right after a restart. Lives on the gateway verticle's event loop.
 */
final class BatchView {

  /** One batch: its record (null until read) and its items by index. */
  static final class Batch {
    private final String batchId;
    private BatchRecord record;
    private String[] runIds = new String[0];
    private String[] customIds = new String[0];
    private RunStatus[] statuses = new RunStatus[0];
    private int seen;
    private int ended;
    private Instant lastEnded;
    private boolean completionWritten;
    private boolean completionNoticed;
    private WebhookState webhook;
    private final Instant firstSeen;

    private Batch(String batchId, Instant firstSeen) {
      this.batchId = batchId;
      this.firstSeen = firstSeen;
    }

    String batchId() {
      return batchId;
    }

    BatchRecord record() {
      return record;
    }

    /** Items whose request this gateway has read. */
    int seen() {
      return seen;
    }

    /** Every item is known and has ended. */
    boolean complete() {
      return record != null && seen == record.count() && ended == record.count();
    }

    /** When its last item ended; null until every one has. */
    Instant completedAt() {
      return complete() ? lastEnded : null;
    }

    boolean completionWritten() {
      return completionWritten;
    }

    WebhookState webhook() {
      return webhook;
    }

    int size() {
      return runIds.length;
    }

    String runId(int index) {
      return runIds[index];
    }

    String customId(int index) {
      return customIds[index];
    }

    RunStatus status(int index) {
      return statuses[index];
    }

    /**
     * Up to {@code limit} of the items read so far, in index order from the first after {@code
     * after} (-1: from the start); {@code more} when a read item follows the last one given.
     */
    Page page(int after, int limit) {
      List<Integer> indexes = new ArrayList<>(Math.min(limit, runIds.length));
      int index = Math.max(after + 1, 0);
      for (; index < runIds.length && indexes.size() < limit; index++) {
        if (runIds[index] != null) { // an item not read yet is left out
          indexes.add(index);
        }
      }
      boolean more = false;
      for (int i = index; i < runIds.length && !more; i++) {
        more = runIds[i] != null;
      }
      return new Page(indexes, more);
    }

    /** Items by status, every status named (0 when none). */
    JsonObject counts() {
      int[] byStatus = new int[RunStatus.values().length];
      for (int i = 0; i < runIds.length; i++) {
        if (runIds[i] != null && statuses[i] != null) {
          byStatus[statuses[i].ordinal()]++;
        }
      }
      JsonObject counts = new JsonObject();
      for (RunStatus status : RunStatus.values()) {
        counts.put(status.wire(), byStatus[status.ordinal()]);
      }
      return counts;
    }

    private void ensure(int index) {
      if (index >= runIds.length) {
        int size = Math.max(index + 1, record == null ? 0 : record.count());
        runIds = Arrays.copyOf(runIds, size);
        customIds = Arrays.copyOf(customIds, size);
        statuses = Arrays.copyOf(statuses, size);
      }
    }

    private void status(int index, RunState state) {
      RunStatus before = statuses[index];
      RunStatus now = state.status();
      boolean wasFinal = before != null && before.isFinal();
      if (wasFinal && !now.isFinal()) {
        return; // a final status never goes back
      }
      statuses[index] = now;
      if (now.isFinal()) {
        if (!wasFinal) {
          ended++;
        }
        Instant at = state.completedAt() != null ? state.completedAt() : state.updatedAt();
        if (at != null && (lastEnded == null || at.isAfter(lastEnded))) {
          lastEnded = at;
        }
      }
    }
  }

  /** A page of a batch's items: their indexes, and whether more follow. */
  record Page(List<Integer> indexes, boolean more) {
    /** The index to pass as {@code after} for the next page; null when none follows. */
    Integer nextAfter() {
      return more && !indexes.isEmpty() ? indexes.get(indexes.size() - 1) : null;
    }
  }

  private record Member(Batch batch, int index) {}

  private final Map<String, Batch> batches = new HashMap<>();
  private final Map<String, Member> members = new HashMap<>();
  private Consumer<Batch> onComplete = batch -> {};
  private final Clock clock;

  BatchView(Clock clock) {
    this.clock = clock;
  }

  private Batch batch(String batchId) {
    return batches.computeIfAbsent(batchId, id -> new Batch(id, clock.instant()));
  }

  /** Called once per batch when this gateway first sees every one of its items ended. */
  void onComplete(Consumer<Batch> listener) {
    this.onComplete = listener;
  }

  Batch get(String batchId) {
    return batches.get(batchId);
  }

  /** The batch's record was read (or written by this gateway). */
  void described(BatchRecord record) {
    Batch batch = batch(record.batchId());
    batch.record = record;
    batch.ensure(record.count() - 1);
    noticeCompletion(batch);
  }

  /**
   * Item {@code index} of a batch is run {@code runId}; {@code current} is the run's state as the
   * run view has it (null: none yet).
   */
  void member(String batchId, int index, String runId, String customId, RunState current) {
    if (index < 0) {
      return;
    }
    Batch batch = batch(batchId);
    batch.ensure(index);
    if (batch.runIds[index] == null) {
      batch.seen++;
    }
    batch.runIds[index] = runId;
    batch.customIds[index] = customId;
    members.put(runId, new Member(batch, index));
    if (current != null) {
      batch.status(index, current);
    }
    noticeCompletion(batch);
  }

  /** A change of a run in the run view (its listener). */
  void changed(RunState before, RunState after) {
    Member member = members.get(after.runId());
    if (member == null) {
      return;
    }
    member.batch().status(member.index(), after);
    noticeCompletion(member.batch());
  }

  /** A completion record of the batch is on the results topic (this gateway's or another's). */
  void completionWritten(String batchId) {
    Batch batch = batch(batchId);
    batch.completionWritten = true;
  }

  /** Where the batch's webhook delivery stands (the dispatcher's state). */
  void webhook(String batchId, WebhookState webhook) {
    Batch batch = batch(batchId);
    if (batch.webhook == null || webhook.progress() >= batch.webhook.progress()) {
      batch.webhook = webhook;
    }
  }

  /** Batches complete now, for a gateway that has just caught up with the topics. */
  Iterable<Batch> all() {
    return batches.values();
  }

  /**
   * Drops batches (and their items' entries) the way the run view drops runs: an ended batch a
   * retention after it ended, any other once it could no longer end ({@code lifetime} past the
   * retention). Called every minute.
   */
  void sweep(Instant now, Duration retention, Duration lifetime) {
    for (Iterator<Batch> it = batches.values().iterator(); it.hasNext(); ) {
      Batch batch = it.next();
      Instant since = batch.completedAt();
      Duration kept = retention;
      if (since == null) {
        // not ended (or its record never came): kept while it could still end
        since = batch.record == null ? batch.firstSeen : batch.record.createdAt();
        kept = retention.plus(lifetime);
      }
      if (since.plus(kept).isBefore(now)) {
        for (String runId : batch.runIds) {
          if (runId != null) {
            members.remove(runId);
          }
        }
        it.remove();
      }
    }
  }

  int size() {
    return batches.size();
  }

  private void noticeCompletion(Batch batch) {
    if (!batch.completionNoticed && batch.complete()) {
      batch.completionNoticed = true;
      onComplete.accept(batch);
    }
  }
}
