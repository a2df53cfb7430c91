package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.kafka.RequestLimits;
import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.RunError;
import dev.hookrun.common.run.RunRequest;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunStatus;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchViewTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final String PROJECT = "p1";
  private static final String APP = "app";

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private static BatchRecord record(String batchId, int count) {
    return new BatchRecord(batchId, PROJECT, APP, count, null, null, NOW, null);
  }

  private static String runId(String batchId, int index) {
    return BatchRecord.runIdOf(PROJECT, batchId, index);
  }

  private static RunState queued(String runId) {
    return RunState.queued(runId, PROJECT, APP, NOW, null);
  }

  private static RunState ended(String runId, RunStatus status, Instant at) {
    return RunState.finished(
        new RunResult(
            runId,
            PROJECT,
            APP,
            status,
            status == RunStatus.SUCCEEDED ? "ok" : null,
            status == RunStatus.FAILED ? new RunError("model_error", "boom") : null,
            1,
            NOW,
            NOW,
            at,
            null,
            "w1"),
        at);
  }

  /** A view with {@code count} items read, each queued. */
  private static BatchView view(String batchId, int count) {
    BatchView view = new BatchView(Clock.fixed(NOW, ZoneOffset.UTC));
    view.described(record(batchId, count));
    for (int i = 0; i < count; i++) {
      view.member(batchId, i, runId(batchId, i), "c" + i, queued(runId(batchId, i)));
    }
    return view;
  }

  private static void change(BatchView view, RunState after) {
    view.changed(null, after);
  }

  @Test
  void countsNameEveryStatusAndFollowEachItem() {
    BatchView view = view("batch_a", 4);
    BatchView.Batch batch = view.get("batch_a");
    JsonObject counts = batch.counts();
    for (RunStatus status : RunStatus.values()) {
      assertEquals(
          status == RunStatus.QUEUED ? 4 : 0, counts.getInteger(status.wire()), status.wire());
    }
    change(view, RunState.cancelledByGateway(queued(runId("batch_a", 0)), NOW));
    change(view, ended(runId("batch_a", 1), RunStatus.SUCCEEDED, NOW.plusSeconds(1)));
    change(view, ended(runId("batch_a", 2), RunStatus.FAILED, NOW.plusSeconds(2)));
    counts = batch.counts();
    assertEquals(1, counts.getInteger("cancelled"));
    assertEquals(1, counts.getInteger("succeeded"));
    assertEquals(1, counts.getInteger("failed"));
    assertEquals(1, counts.getInteger("queued"));
    assertEquals(0, counts.getInteger("running"));
  }

  @Test
  void aFinalStatusNeverGoesBackAndCountsOnce() {
    BatchView view = view("batch_b", 2);
    String first = runId("batch_b", 0);
    change(view, ended(first, RunStatus.SUCCEEDED, NOW.plusSeconds(1)));
    change(view, queued(first)); // a late copy of the request
    change(view, ended(first, RunStatus.SUCCEEDED, NOW.plusSeconds(1)));
    BatchView.Batch batch = view.get("batch_b");
    assertEquals(1, batch.counts().getInteger("succeeded"));
    assertEquals(1, batch.counts().getInteger("queued"));
    assertFalse(batch.complete());
  }

  @Test
  void completedAtOnlyOnceEveryItemEndedAndIsTheLastEnd() {
    BatchView view = view("batch_c", 3);
    List<String> noticed = new ArrayList<>();
    view.onComplete(batch -> noticed.add(batch.batchId()));
    BatchView.Batch batch = view.get("batch_c");
    change(view, ended(runId("batch_c", 2), RunStatus.SUCCEEDED, NOW.plusSeconds(30)));
    change(view, ended(runId("batch_c", 0), RunStatus.FAILED, NOW.plusSeconds(10)));
    assertNull(batch.completedAt());
    assertFalse(batch.complete());
    assertTrue(noticed.isEmpty());
    change(view, ended(runId("batch_c", 1), RunStatus.SUCCEEDED, NOW.plusSeconds(20)));
    assertTrue(batch.complete());
    assertEquals(NOW.plusSeconds(30), batch.completedAt());
    assertEquals(List.of("batch_c"), noticed);
    // once only
    change(view, ended(runId("batch_c", 1), RunStatus.SUCCEEDED, NOW.plusSeconds(20)));
    assertEquals(List.of("batch_c"), noticed);
  }

  @Test
  void aBatchIsNotCompleteWhileAnItemIsUnreadOrItsRecordIsMissing() {
    BatchView view = new BatchView(clock);
    // items first (topics are read side by side), every one ended
    view.member(
        "batch_d",
        0,
        runId("batch_d", 0),
        null,
        ended(runId("batch_d", 0), RunStatus.SUCCEEDED, NOW));
    view.member(
        "batch_d",
        2,
        runId("batch_d", 2),
        null,
        ended(runId("batch_d", 2), RunStatus.SUCCEEDED, NOW));
    BatchView.Batch batch = view.get("batch_d");
    assertFalse(batch.complete(), "no record yet: its size is unknown");
    view.described(record("batch_d", 3));
    assertFalse(batch.complete(), "item 1 not read yet");
    assertNull(batch.completedAt());
    assertEquals(2, batch.seen());
    view.member(
        "batch_d",
        1,
        runId("batch_d", 1),
        null,
        ended(runId("batch_d", 1), RunStatus.CANCELLED, NOW.plusSeconds(5)));
    assertTrue(batch.complete());
    assertEquals(NOW.plusSeconds(5), batch.completedAt());
  }

  @Test
  void pagesFollowIndexOrderFromAfterUpToTheLimit() {
    BatchView view = view("batch_e", 5);
    BatchView.Batch batch = view.get("batch_e");
    BatchView.Page first = batch.page(-1, 2);
    assertEquals(List.of(0, 1), first.indexes());
    assertEquals(1, first.nextAfter());
    BatchView.Page second = batch.page(first.nextAfter(), 2);
    assertEquals(List.of(2, 3), second.indexes());
    BatchView.Page last = batch.page(second.nextAfter(), 2);
    assertEquals(List.of(4), last.indexes());
    assertFalse(last.more());
    assertNull(last.nextAfter());
    assertEquals(List.of(0, 1, 2, 3, 4), batch.page(-1, 100).indexes());
    assertNull(batch.page(-1, 5).nextAfter(), "exactly the limit left: no next page");
    assertEquals(List.of(), batch.page(4, 10).indexes());
    assertEquals(List.of(), batch.page(1_000, 10).indexes());
  }

  @Test
  void aPageSkipsItemsNotReadYet() {
    BatchView view = new BatchView(clock);
    view.described(record("batch_f", 5));
    for (int index : new int[] {0, 3}) {
      view.member("batch_f", index, runId("batch_f", index), null, queued(runId("batch_f", index)));
    }
    BatchView.Batch batch = view.get("batch_f");
    BatchView.Page page = batch.page(-1, 1);
    assertEquals(List.of(0), page.indexes());
    assertTrue(page.more(), "item 3 follows");
    page = batch.page(page.nextAfter(), 1);
    assertEquals(List.of(3), page.indexes());
    assertFalse(page.more(), "items 1, 2 and 4 are unread");
  }

  /**
   * A restarted gateway knows a batch from the records alone: the batch's record and the requests
   * naming it in their headers, read in any order, with each item's status as its run's records
   * say.
   */
  @Test
  void membershipIsRebuiltFromTheRecords() {
    Topics topics = new Topics("");
    RunStateView runs = new RunStateView(vertx, Duration.ofHours(1), 1_000, 1_000, clock);
    BatchView view = new BatchView(clock);
    runs.onChange(view::changed);
    RunRecords records = new RunRecords(topics, runs, view);
    RequestPublisher publisher = new RequestPublisher(null, topics, new RequestLimits(1 << 20));

    String batchId = BatchRecord.idFor(PROJECT, "key-1");
    List<ProducerRecord<String, String>> written = new ArrayList<>();
    for (int i = 2; i >= 0; i--) { // items before the record, out of order
      String runId = runId(batchId, i);
      RunRequest request =
          new RunRequest(
              runId,
              PROJECT,
              APP,
              new JsonObject().put("delayMins", 0),
              null,
              NOW,
              NOW.plusSeconds(3600));
      written.add(
          publisher.record(
              request, new RunRecords.BatchItem(batchId, i, i == 1 ? null : "item-" + i)));
    }
    written.add(
        new ProducerRecord<>(topics.batches(), batchId, record(batchId, 3).toJson().encode()));
    List<RunRecords.Fact> facts = new ArrayList<>();
    for (ProducerRecord<String, String> produced : written) {
      facts.add(records.decode(consumed(produced)));
    }
    records.apply(facts);
    // the first item ended, as the results topic says
    runs.apply(ended(runId(batchId, 0), RunStatus.SUCCEEDED, NOW.plusSeconds(1)));

    BatchView.Batch batch = view.get(batchId);
    assertEquals(record(batchId, 3), batch.record());
    assertEquals(3, batch.seen());
    for (int i = 0; i < 3; i++) {
      assertEquals(runId(batchId, i), batch.runId(i));
    }
    assertEquals("item-0", batch.customId(0));
    assertNull(batch.customId(1));
    assertEquals("item-2", batch.customId(2));
    assertEquals(RunStatus.SUCCEEDED, batch.status(0));
    assertEquals(RunStatus.QUEUED, batch.status(1));
    assertEquals(1, batch.counts().getInteger("succeeded"));
    assertEquals(2, batch.counts().getInteger("queued"));
    assertFalse(batch.complete());
  }

  private static ConsumerRecord<String, String> consumed(ProducerRecord<String, String> produced) {
    return new ConsumerRecord<>(
        produced.topic(),
        0,
        0L,
        NOW.toEpochMilli(),
        TimestampType.CREATE_TIME,
        -1,
        -1,
        produced.key(),
        produced.value(),
        new RecordHeaders(produced.headers().toArray()),
        java.util.Optional.empty());
  }

  @Test
  void aSweepDropsAnEndedBatchARetentionAfterItEnded() {
    BatchView view = view("batch_g", 1);
    change(view, ended(runId("batch_g", 0), RunStatus.SUCCEEDED, NOW));
    view.sweep(NOW.plus(Duration.ofMinutes(59)), Duration.ofHours(1), Duration.ofDays(1));
    assertEquals(1, view.size());
    view.sweep(NOW.plus(Duration.ofMinutes(61)), Duration.ofHours(1), Duration.ofDays(1));
    assertNull(view.get("batch_g"));
  }
}
