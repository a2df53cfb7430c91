package dev.hookrun.ops;

import dev.hookrun.common.delivery.DeadLetter;
import dev.hookrun.common.delivery.DeadLetterTopic;
import dev.hookrun.common.metrics.Meters;
import dev.hookrun.ops.model.DeadLetterView;
import dev.hookrun.ops.model.RecordView;
import dev.hookrun.ops.model.ReplayFilter;
import dev.hookrun.ops.model.ReplayResult;
import java.util.List;
import java.util.function.Function;

/**
 * The dead letters an operator sees, replays and purges, through the common {@link DeadLetterTopic}
 * (the dead-letter format and its one reader live in {@code common}, next to the dispatcher's other
 * records): a replay goes back onto the first retry tier, due at once, with a fresh schedule, and
 * the dead letter is tombstoned so it leaves the list. Methods block (they talk to Kafka); callers
 * on an event loop run them through {@code executeBlocking}.
 */
public final class DeadLetterStore {

  private final KafkaAccess access;
  private final TopicCatalog catalog;

  DeadLetterStore(KafkaAccess access, TopicCatalog catalog) {
    this.access = access;
    this.catalog = catalog;
  }

  /**
   * The runs whose latest dead-letter record is a dead letter (not a replay's tombstone), oldest
   * first.
   */
  public List<DeadLetterView> list() {
    return withTopic(
        topic ->
            topic.list().stream()
                .map(
                    letter ->
                        new DeadLetterView(
                            letter,
                            RecordView.of(
                                letter.record(), catalog.shortName(letter.record().topic()))))
                .toList());
  }

  /** Puts the run's latest dead letter back into delivery; NOT_FOUND when it has none. */
  public ReplayResult replay(String runId) {
    return withTopic(
        topic -> {
          if (!topic.replay(runId)) {
            throw OpsException.notFound("Run " + runId + " has no dead letter.");
          }
          Meters.deadLettersReplayed(1);
          return new ReplayResult(List.of(replayed(runId)));
        });
  }

  /**
   * Puts every dead-lettered run (its latest dead letter) back into delivery, reading the topic
   * once.
   */
  public ReplayResult replayAll() {
    return withTopic(
        topic -> {
          List<ReplayResult.Replayed> done =
              topic.replayAll().stream().map(this::replayed).toList();
          Meters.deadLettersReplayed(done.size());
          return new ReplayResult(done);
        });
  }

  /** Puts back the dead letters {@code filter} accepts, reading the topic once. */
  public ReplayResult replayMatching(ReplayFilter filter) {
    return withTopic(
        topic -> {
          List<ReplayResult.Replayed> done =
              topic.replayMatching(filter).stream().map(this::replayed).toList();
          Meters.deadLettersReplayed(done.size());
          return new ReplayResult(done);
        });
  }

  /**
   * Drops the dead letters {@code filter} accepts without delivering them, reading the topic once;
   * answers their runs.
   */
  public List<String> purgeMatching(java.util.function.Predicate<DeadLetter> filter) {
    return withTopic(topic -> topic.purgeMatching(filter));
  }

  private <T> T withTopic(Function<DeadLetterTopic, T> call) {
    try (DeadLetterTopic topic = new DeadLetterTopic(access.kafka())) {
      return call.apply(topic);
    } catch (IllegalStateException e) {
      throw OpsException.unavailable(e.getMessage());
    }
  }

  private ReplayResult.Replayed replayed(String runId) {
    return new ReplayResult.Replayed(
        runId,
        catalog.shortName(access.kafka().topics().deadLetters()),
        catalog.shortName(access.kafka().topics().retryTier(1)));
  }
}
