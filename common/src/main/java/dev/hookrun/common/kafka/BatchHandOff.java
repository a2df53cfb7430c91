package dev.hookrun.common.kafka;

import io.vertx.core.Context;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a polled batch from a poll thread to a Vert.x context and waits until the context took it,
 * so at most one batch is ever on its way: a slow stage slows its poll thread instead of piling
 * records up on its event loop.
 *
 * <p>One record whose handling throws must not cost the rest of its batch. Stages handle a batch
 * record by record, in order, so the batch they get notes which record they were at: when the
 * handler throws, that record goes to {@code onFailed} (the stage's policy: log, count, settle) and
 * the handler gets the records after it.
 *
 * <p>The items are records, or what a reader decoded from them on its poll thread (so that the
 * context only applies them).
 */
final class BatchHandOff {

  private static final Logger LOG = LoggerFactory.getLogger(BatchHandOff.class);
  private static final long TIMEOUT_MS = 30_000;

  private BatchHandOff() {}

  static void deliver(
      Context context,
      ConsumerRecords<String, String> records,
      Consumer<List<ConsumerRecord<String, String>>> handler,
      BiConsumer<ConsumerRecord<String, String>, RuntimeException> onFailed,
      String name) {
    List<ConsumerRecord<String, String>> batch = new ArrayList<>(records.count());
    records.forEach(batch::add);
    deliver(context, batch, handler, onFailed, name);
  }

  static <T> void deliver(
      Context context,
      List<T> batch,
      Consumer<List<T>> handler,
      BiConsumer<T, RuntimeException> onFailed,
      String name) {
    CompletableFuture<Void> taken = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          try {
            handle(batch, handler, onFailed, name);
          } finally {
            taken.complete(null);
          }
        });
    try {
      taken.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("{}: hand-over of {} records timed out: {}", name, batch.size(), e.toString());
    }
  }

  static <T> void handle(
      List<T> batch,
      Consumer<List<T>> handler,
      BiConsumer<T, RuntimeException> onFailed,
      String name) {
    int from = 0;
    while (from < batch.size()) {
      Cursor<T> rest = new Cursor<>(batch.subList(from, batch.size()));
      try {
        handler.accept(rest);
        return;
      } catch (RuntimeException e) {
        if (rest.passedEnd) {
          // every record was handed out; the handler failed on its way out (e.g. pausing)
          LOG.error("{}: record handler failed after its batch", name, e);
          return;
        }
        // the record it was at, or the first one if it failed before taking any
        int failed = Math.max(0, rest.current);
        try {
          onFailed.accept(rest.get(failed), e);
        } catch (RuntimeException again) {
          LOG.error("{}: settling a failed record failed too", name, again);
        }
        from += failed + 1;
      }
    }
  }

  /** A read-only view of the batch that remembers the last record handed to the handler. */
  private static final class Cursor<T> extends AbstractList<T> {

    private final List<T> records;
    private int current = -1;
    private boolean passedEnd;

    Cursor(List<T> records) {
      this.records = records;
    }

    @Override
    public T get(int index) {
      current = index;
      return records.get(index);
    }

    @Override
    public int size() {
      return records.size();
    }

    @Override
    public Iterator<T> iterator() {
      return new Iterator<>() {
        private int next;

        @Override
        public boolean hasNext() {
          boolean more = next < records.size();
          if (!more) {
            passedEnd = true;
          }
          return more;
        }

        @Override
        public T next() {
          if (next >= records.size()) {
            throw new NoSuchElementException();
          }
          current = next;
          return records.get(next++);
        }
      };
    }
  }
}
