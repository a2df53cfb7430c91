package dev.hookrun.ops;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.metrics.Meters;
import dev.hookrun.ops.model.DeadLetter;
import dev.hookrun.ops.model.RecordView;
import dev.hookrun.ops.model.ReplayResult;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters straight from the dead-letter topic ({@code Topics.deadLetters()}).
 *
 * <p>Replay re-publishes the dead-lettered record's value, unchanged, to the results topic keyed
 * by run id: the dispatchers consume results, so the run's webhook is delivered again from
 * attempt one, with the same {@code webhook-id} (receivers deduplicate on it). The copy carries
 * a {@value TraceDescriber#REPLAY_HEADER} header naming the dead letter, so a trace shows the
 * replay. The dead-letter topic itself is append-only: a replayed dead letter stays listed.
 */
public final class KafkaDeadLetterStore implements DeadLetterStore {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaDeadLetterStore.class);

  private final KafkaAccess access;
  private final TopicCatalog catalog;
  private final RecordReader reader;

  KafkaDeadLetterStore(KafkaAccess access, TopicCatalog catalog, RecordReader reader) {
    this.access = access;
    this.catalog = catalog;
    this.reader = reader;
  }

  @Override
  public List<DeadLetter> list() {
    return access.withAdmin(admin -> read(admin, null));
  }

  @Override
  public ReplayResult replay(String runId) {
    if (runId == null || runId.isBlank()) {
      throw OpsException.badRequest("Give the run id to replay.");
    }
    List<DeadLetter> letters = access.withAdmin(admin -> read(admin, runId));
    if (letters.isEmpty()) {
      throw OpsException.notFound("Run " + runId + " has no dead letter.");
    }
    return publish(List.of(letters.get(letters.size() - 1)));
  }

  @Override
  public ReplayResult replayAll() {
    Map<String, DeadLetter> latest = new LinkedHashMap<>();
    for (DeadLetter letter : list()) {
      latest.put(letter.runId(), letter); // oldest first, so the last one per run stays
    }
    return publish(List.copyOf(latest.values()));
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
    return result.records().stream()
        .sorted(Comparator.comparingLong((ConsumerRecord<String, String> r) -> r.timestamp())
            .thenComparingInt(ConsumerRecord::partition).thenComparingLong(ConsumerRecord::offset))
        .map(r -> toDeadLetter(RecordView.of(r, catalog.shortName(topic))))
        .toList();
  }

  private static DeadLetter toDeadLetter(RecordView record) {
    JsonObject v = record.valueObject();
    String runId = record.key() != null ? record.key() : v.getString("run_id");
    String reason = TraceDescriber.firstOf(record.headers(), v, "dead-letter-reason", "reason", "last_error", "error");
    String attempts = TraceDescriber.firstOf(record.headers(), v, "attempts", "attempt", "dead-letter-attempts");
    Integer attemptCount = null;
    try {
      attemptCount = attempts == null ? null : Integer.valueOf(attempts.trim());
    } catch (NumberFormatException notANumber) {
      // shown in the raw record
    }
    return new DeadLetter(runId, record, reason, attemptCount, v.getString("webhook_endpoint"));
  }

  private ReplayResult publish(List<DeadLetter> letters) {
    List<ReplayResult.Replayed> done = new ArrayList<>();
    if (letters.isEmpty()) {
      return new ReplayResult(done);
    }
    String results = access.kafka().topics().results();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaClientProperties.asObjects(
        KafkaClientProperties.producer(access.kafka(), "hookrun-ops-replay", access.timeout())))) {
      for (DeadLetter letter : letters) {
        RecordView dead = letter.record();
        String from = dead.shortName() + "/" + dead.partition() + "@" + dead.offset();
        ProducerRecord<String, String> record = new ProducerRecord<>(results, letter.runId(), dead.value());
        record.headers().add(TraceDescriber.REPLAY_HEADER, from.getBytes(StandardCharsets.UTF_8));
        record.headers().add("hookrun-replayed-at", Instant.now().toString().getBytes(StandardCharsets.UTF_8));
        RecordMetadata sent = producer.send(record).get(access.timeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
        String to = catalog.shortName(results) + "/" + sent.partition() + "@" + sent.offset();
        LOG.atInfo().addKeyValue("run_id", letter.runId()).addKeyValue("from", from).addKeyValue("to", to)
            .log("run {} dead letter replayed: {} -> {}", letter.runId(), from, to);
        done.add(new ReplayResult.Replayed(letter.runId(), from, to));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw OpsException.unavailable("Interrupted while replaying.");
    } catch (OpsException e) {
      throw e;
    } catch (Exception e) {
      throw access.translate(e);
    } finally {
      if (!done.isEmpty()) {
        Meters.deadLettersReplayed(done.size());
      }
    }
    return new ReplayResult(done);
  }
}
