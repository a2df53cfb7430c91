package dev.hookrun.ops;

import dev.hookrun.common.kafka.KeyPartitioner;
import dev.hookrun.ops.model.PeekQuery;
import dev.hookrun.ops.model.PeekResult;
import dev.hookrun.ops.model.RecordView;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** {@code ops peek}: records of a topic by partition and offset, from the end, or by run id. */
final class RecordPeeker {

  private final KafkaAccess access;
  private final TopicCatalog catalog;
  private final RecordReader reader;

  RecordPeeker(KafkaAccess access, TopicCatalog catalog, RecordReader reader) {
    this.access = access;
    this.catalog = catalog;
    this.reader = reader;
  }

  PeekResult peek(Admin admin, PeekQuery query) throws Exception {
    String topic = catalog.resolve(query.topic(), access.topicNames(admin));
    int partitions = access.describe(admin, List.of(topic)).get(topic).partitions().size();
    List<TopicPartition> selected;
    if (query.partition() != null) {
      if (query.partition() >= partitions) {
        throw OpsException.badRequest(
            catalog.shortName(topic) + " has partitions 0 to " + (partitions - 1) + ".");
      }
      selected = List.of(new TopicPartition(topic, query.partition()));
    } else if (query.key() != null) {
      // Keyed records all live in the key's partition: read that one only.
      selected =
          List.of(new TopicPartition(topic, KeyPartitioner.partitionFor(query.key(), partitions)));
    } else {
      selected = KafkaAccess.partitionsOf(topic, partitions);
    }
    Map<TopicPartition, Long> earliest = access.offsets(admin, selected, OffsetSpec.earliest());
    Map<TopicPartition, Long> latest = access.offsets(admin, selected, OffsetSpec.latest());
    Map<TopicPartition, Long> from = new HashMap<>();
    for (TopicPartition p : selected) {
      long start = earliest.get(p);
      if (query.offset() != null) {
        start = Math.max(start, query.offset());
      } else if (query.fromEnd() != null) {
        start = Math.max(start, latest.get(p) - query.fromEnd());
      }
      from.put(p, start);
    }
    boolean fromEnd = query.fromEnd() != null;
    // Reading one partition forwards, the first `count` matches are the answer: stop there.
    int stopAfter = !fromEnd && selected.size() == 1 ? query.count() : 0;
    RecordReader.Result read =
        reader.read(
            from, latest, r -> query.key() == null || query.key().equals(r.key()), stopAfter);
    String shortName = catalog.shortName(topic);
    List<RecordView> records =
        read.records().stream()
            .sorted(
                Comparator.comparingLong((ConsumerRecord<String, String> r) -> r.timestamp())
                    .thenComparingInt(ConsumerRecord::partition)
                    .thenComparingLong(ConsumerRecord::offset))
            .map(r -> RecordView.of(r, shortName))
            .toList();
    int n = records.size();
    if (n > query.count()) {
      records = fromEnd ? records.subList(n - query.count(), n) : records.subList(0, query.count());
    }
    return new PeekResult(topic, List.copyOf(records), read.scanned(), read.complete());
  }
}
