package dev.hookrun.ops;

import dev.hookrun.common.kafka.KeyPartitioner;
import dev.hookrun.ops.model.DeadLetter;
import dev.hookrun.ops.model.RecordView;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Dead letters straight from the dead-letter topic ({@code Topics.deadLetters()}), as records
 * with their headers, for listing. Replay is the dispatcher's ({@link DispatcherDeadLetterStore}).
 */
final class KafkaDeadLetterStore {

  private final KafkaAccess access;
  private final TopicCatalog catalog;
  private final RecordReader reader;

  KafkaDeadLetterStore(KafkaAccess access, TopicCatalog catalog, RecordReader reader) {
    this.access = access;
    this.catalog = catalog;
    this.reader = reader;
  }

  /** The runs whose latest dead-letter record is a dead letter (not a replay's tombstone), oldest first. */
  List<DeadLetter> list() {
    return access.withAdmin(admin -> read(admin, null));
  }

  /** The dead letters of one run (its key's partition only), or of all runs when runId is null. */
  private List<DeadLetter> read(Admin admin, String runId) throws Exception {
    String topic = access.kafka().topics().deadLetters();
    Set<String> names = access.topicNames(admin);
    if (!names.contains(topic)) {
      return List.of(); // no dispatcher has created it yet: nothing was ever dead-lettered
    }
    int partitions = access.describe(admin, List.of(topic)).get(topic).partitions().size();
    List<TopicPartition> selected = runId == null ? KafkaAccess.partitionsOf(topic, partitions)
        : List.of(new TopicPartition(topic, KeyPartitioner.partitionFor(runId, partitions)));
    Map<TopicPartition, Long> from = access.offsets(admin, selected, OffsetSpec.earliest());
    Map<TopicPartition, Long> to = access.offsets(admin, selected, OffsetSpec.latest());
    RecordReader.Result result = reader.read(from, to, r -> runId == null || runId.equals(r.key()), 0);
    if (!result.complete()) {
      throw OpsException.unavailable("Could not read the whole dead-letter topic in time ("
          + result.scanned() + " records read).");
    }
    // The topic is compacted by run id and a replay writes a tombstone: a run is dead-lettered
    // while its latest record is not one.
    Map<String, ConsumerRecord<String, String>> latest = new LinkedHashMap<>();
    result.records().stream()
        .sorted(Comparator.comparingInt((ConsumerRecord<String, String> r) -> r.partition())
            .thenComparingLong(ConsumerRecord::offset))
        .forEach(r -> latest.put(r.key(), r));
    return latest.values().stream()
        .filter(r -> r.value() != null)
        .sorted(Comparator.comparingLong((ConsumerRecord<String, String> r) -> r.timestamp())
            .thenComparingInt(ConsumerRecord::partition).thenComparingLong(ConsumerRecord::offset))
        .map(r -> toDeadLetter(RecordView.of(r, catalog.shortName(topic))))
        .toList();
  }

  private static DeadLetter toDeadLetter(RecordView record) {
    JsonObject v = record.valueObject();
    String runId = record.key() != null ? record.key() : v.getString("run_id");
    String reason = TraceDescriber.firstOf(record.headers(), v, "dead-letter-reason", "reason", "last_error", "error");
    String attempts = TraceDescriber.firstOf(record.headers(), v, "dead-letter-attempts", "attempts", "attempt");
    Integer attemptCount = null;
    try {
      attemptCount = attempts == null ? null : Integer.valueOf(attempts.trim());
    } catch (NumberFormatException notANumber) {
      // shown in the raw record
    }
    // the dispatcher's delivery record holds the run's result, with its endpoint
    JsonObject result = v.getJsonObject("result", v);
    return new DeadLetter(runId, record, reason, attemptCount, result.getString("webhook_endpoint"));
  }
}
