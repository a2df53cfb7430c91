package dev.hookrun.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the followed topics say about every run they mention, whichever scheduler owns its request:
 * finished, handed to the workers (and which attempt), started by which worker, cancelled. A
 * restarted scheduler rebuilds it before it reads a request, so it knows which of the requests it
 * reads again are queued, released or running.
 *
 * <p>Facts of one run come from several topics in no particular order while catching up, so "which
 * worker runs it" holds only while its {@code running} record is newer than its newest release: a
 * run released again after its worker was lost runs nowhere until a worker starts it again.
 *
 * <p>Kept for the run retention (the followers' look-back), then forgotten, except runs released
 * and not finished. Used on the scheduler's event loop only.
 */
final class RunLedger {

  private static final class Entry {
    final long firstAt;

    /** When its request was made (epoch ms), once this scheduler read it; MIN_VALUE before. */
    long createdAt = Long.MIN_VALUE;

    boolean finished;
    int attempt;
    long releasedAt = Long.MIN_VALUE;
    String worker;
    long runningAt = Long.MIN_VALUE;
    boolean cancelled;

    Entry(long firstAt) {
      this.firstAt = firstAt;
    }
  }

  /** In the order first heard of, which is about time order: forgetting walks from the front. */
  private final Map<String, Entry> runs = new LinkedHashMap<>();

  void apply(Fact fact) {
    if (fact instanceof Fact.Finished f) {
      entry(f.runId(), f.at()).finished = true;
    } else if (fact instanceof Fact.Released r) {
      released(r.runId(), r.attempt(), r.at());
    } else if (fact instanceof Fact.Running r) {
      Entry e = entry(r.runId(), r.at());
      if (r.at() >= e.runningAt) {
        e.worker = r.workerId();
        e.runningAt = r.at();
      }
    } else if (fact instanceof Fact.Cancelled c) {
      // a purge and a cancel alike keep a run that has not started from starting; stopping a
      // started one is its worker's business
      entry(c.runId(), c.at()).cancelled = true;
    }
  }

  /** Records a release, heard back from the work topic or made by this scheduler just now. */
  void released(String runId, int attempt, long at) {
    Entry e = entry(runId, at);
    e.attempt = Math.max(e.attempt, attempt);
    e.releasedAt = Math.max(e.releasedAt, at);
  }

  boolean finished(String runId) {
    Entry e = runs.get(runId);
    return e != null && e.finished;
  }

  /** The newest attempt handed to the workers; 0 when never released. */
  int attempt(String runId) {
    Entry e = runs.get(runId);
    return e == null ? 0 : e.attempt;
  }

  /** Whether a cancel or a queue purge names the run: either keeps a run that has not started. */
  boolean cancelledBeforeStart(String runId) {
    Entry e = runs.get(runId);
    return e != null && e.cancelled;
  }

  /** The worker that started the run since its newest release, or null. */
  String runningOn(String runId) {
    Entry e = runs.get(runId);
    return e == null || e.worker == null || e.runningAt < e.releasedAt ? null : e.worker;
  }

  int size() {
    return runs.size();
  }

  /**
   * Forgets what it knows of {@code runId} when a request for it was made more than {@code
   * retention} after the run was first heard of: an Idempotency-Key used again once its run left
   * the retention names a new run (the gateways have forgotten the old one too), which must run. A
   * request within the retention is the same run (a key sent twice) and changes nothing.
   */
  void forgetIfRenamed(String runId, Instant requestCreatedAt, Duration retention) {
    Entry e = runs.get(runId);
    if (e == null) {
      return;
    }
    // the gateways forget a run RUN_RETENTION after it was made; before its request was read
    // here, its first fact is the nearest (and later) time this scheduler has
    long made = e.createdAt != Long.MIN_VALUE ? e.createdAt : e.firstAt;
    if (requestCreatedAt.toEpochMilli() - made > retention.toMillis()) {
      runs.remove(runId);
    }
  }

  /** The time the run's request was made, as this scheduler read it. */
  void requested(String runId, Instant createdAt) {
    Entry e = entry(runId, createdAt.toEpochMilli());
    e.createdAt = createdAt.toEpochMilli();
  }

  /**
   * Forgets runs first heard of more than {@code retention} ago, as a restarted scheduler would not
   * read them either; a released run without an outcome is kept, it may still be running.
   */
  void forgetOlderThan(Instant now, Duration retention) {
    long before = now.minus(retention).toEpochMilli();
    Iterator<Entry> it = runs.values().iterator();
    while (it.hasNext()) {
      Entry e = it.next();
      if (e.firstAt >= before) {
        return;
      }
      if (e.finished || e.attempt == 0) {
        it.remove();
      }
    }
  }

  private Entry entry(String runId, long at) {
    return runs.computeIfAbsent(runId, id -> new Entry(at));
  }
}
