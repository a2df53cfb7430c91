package dev.hookrun.ops;

import dev.hookrun.common.kafka.KeyPartitioner;
import dev.hookrun.ops.model.GroupInfo;
import dev.hookrun.ops.model.RecordView;
import dev.hookrun.ops.model.Trace;
import dev.hookrun.ops.model.TraceEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ops trace <run_id>}: every record of one run across all platform topics.
 *
 * <p>Every record is keyed by run id, so each topic holds the run in exactly one partition, the one
 * the key hashes to: only those partitions are read. The run's creation time, taken from its
 * deliveries record (a compacted topic, so a short read), narrows the other reads further to
 * records written since then, with a margin for clock skew between hosts.
 */
final class RunTracer {

  private static final Duration CLOCK_SKEW_MARGIN = Duration.ofMinutes(10);

  private final KafkaAccess access;
  private final TopicCatalog catalog;
  private final RecordReader reader;
  private final TraceDescriber describer;
  private final GroupInspector groups;

  RunTracer(KafkaAccess access, TopicCatalog catalog, RecordReader reader) {
    this.access = access;
    this.catalog = catalog;
    this.reader = reader;
    this.describer = new TraceDescriber(catalog);
    this.groups = new GroupInspector(access, catalog);
  }

  Trace trace(Admin admin, String runId) throws Exception {
    if (runId == null || runId.isBlank()) {
      throw OpsException.badRequest("Give a run id.");
    }
    List<String> topics =
        access.topicNames(admin).stream()
            .filter(catalog::isPlatformTopic)
            .sorted(catalog.pipelineOrder())
            .toList();
    Map<String, Integer> counts = new HashMap<>();
    access.describe(admin, topics).forEach((name, d) -> counts.put(name, d.partitions().size()));
    List<TopicPartition> partitions =
        topics.stream()
            .filter(counts::containsKey)
            .map(t -> new TopicPartition(t, KeyPartitioner.partitionFor(runId, counts.get(t))))
            .toList();
    Map<TopicPartition, Long> earliest = access.offsets(admin, partitions, OffsetSpec.earliest());
    Map<TopicPartition, Long> latest = access.offsets(admin, partitions, OffsetSpec.latest());

    List<ConsumerRecord<String, String>> found = new ArrayList<>();
    Map<TopicPartition, Long> from = new HashMap<>(earliest);
    TopicPartition state =
        partitions.stream()
            .filter(p -> p.topic().equals(access.kafka().topics().deliveries()))
            .findFirst()
            .orElse(null);
    if (state != null) {
      found.addAll(read(Map.of(state, earliest.get(state)), latest, runId));
      from.remove(state);
      Instant created = createdAt(found);
      if (created != null) {
        long since = created.minus(CLOCK_SKEW_MARGIN).toEpochMilli();
        access
            .offsets(admin, from.keySet(), OffsetSpec.forTimestamp(since))
            .forEach(
                (p, offset) ->
                    // -1: no record at or after that time, so nothing of this run there
                    from.put(p, offset < 0 ? latest.get(p) : Math.max(offset, earliest.get(p))));
      }
    }
    found.addAll(read(from, latest, runId));

    Comparator<String> topicOrder = catalog.pipelineOrder();
    List<TraceEntry> entries =
        found.stream()
            .sorted(
                Comparator.comparingLong((ConsumerRecord<String, String> r) -> r.timestamp())
                    .thenComparing(ConsumerRecord::topic, topicOrder)
                    .thenComparingLong(ConsumerRecord::offset))
            .map(r -> describer.describe(RecordView.of(r, catalog.shortName(r.topic()))))
            .toList();
    List<String> read =
        partitions.stream().map(p -> catalog.shortName(p.topic()) + "/" + p.partition()).toList();
    return new Trace(
        runId, entries, read, entries.isEmpty() ? List.of() : progress(admin, entries));
  }

  /** For each record a group reads: is the group past it, and who owns its partition now. */
  private List<Trace.Progress> progress(Admin admin, List<TraceEntry> entries) throws Exception {
    List<Trace.Progress> out = new ArrayList<>();
    List<GroupInfo> all = groups.groups(admin).groups();
    for (TraceEntry entry : entries) {
      RecordView r = entry.record();
      for (GroupInfo group : all) {
        for (GroupInfo.PartitionLag row : group.partitions()) {
          if (row.topic().equals(r.shortName()) && row.partition() == r.partition()) {
            boolean processed = row.committed() != null && row.committed() > r.offset();
            String owner = row.clientId() == null ? null : row.clientId() + " (" + row.host() + ")";
            out.add(
                new Trace.Progress(
                    r.shortName(),
                    r.partition(),
                    r.offset(),
                    group.groupId(),
                    row.committed(),
                    processed,
                    owner));
          }
        }
      }
    }
    return out;
  }

  private List<ConsumerRecord<String, String>> read(
      Map<TopicPartition, Long> from, Map<TopicPartition, Long> to, String runId) {
    RecordReader.Result result = reader.read(from, to, r -> runId.equals(r.key()), 0);
    if (!result.complete()) {
      throw OpsException.unavailable(
          "The trace read "
              + result.scanned()
              + " records without reaching the end of the run's partitions in time; try again or peek with --key.");
    }
    return result.records();
  }

  private static Instant createdAt(List<ConsumerRecord<String, String>> states) {
    Instant earliest = null;
    for (ConsumerRecord<String, String> record : states) {
      String created = RecordView.of(record, "").valueObject().getString("created_at");
      try {
        Instant t = created == null ? null : Instant.parse(created);
        if (t != null && (earliest == null || t.isBefore(earliest))) {
          earliest = t;
        }
      } catch (RuntimeException unreadable) {
        // a state without a readable creation time: read the whole partitions instead
      }
    }
    return earliest;
  }
}
