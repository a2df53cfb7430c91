package dev.hookrun.common.kafka;

import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a polled batch from a poll thread to a Vert.x context and waits until the context took
 * it, so at most one batch is ever on its way: a slow stage slows its poll thread instead of
 * piling records up on its event loop.
 */
final class BatchHandOff {

  private static final Logger LOG = LoggerFactory.getLogger(BatchHandOff.class);
  private static final long TIMEOUT_MS = 30_000;

  private BatchHandOff() {}

  static void deliver(Context context, ConsumerRecords<String, String> records,
      Consumer<List<ConsumerRecord<String, String>>> handler, String name) {
    List<ConsumerRecord<String, String>> batch = new ArrayList<>(records.count());
    records.forEach(batch::add);
    CompletableFuture<Void> taken = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        handler.accept(batch);
      } catch (RuntimeException e) {
        LOG.error("{}: record handler failed", name, e);
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
}
