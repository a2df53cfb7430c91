package dev.hookrun.ops;

import dev.hookrun.common.metrics.Meters;
import dev.hookrun.dispatcher.DeadLetters;
import dev.hookrun.ops.model.DeadLetter;
import dev.hookrun.ops.model.ReplayResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Dead letters as operators see them (records with headers, from {@link KafkaDeadLetterStore}),
 * replayed through the dispatcher's own mechanism: back onto the first retry tier, due at once,
 * with a fresh schedule, and the dead letter tombstoned so it leaves the list.
 */
final class DispatcherDeadLetterStore implements DeadLetterStore {

  private final KafkaDeadLetterStore reader;
  private final KafkaAccess access;

  DispatcherDeadLetterStore(KafkaDeadLetterStore reader, KafkaAccess access) {
    this.reader = reader;
    this.access = access;
  }

  @Override
  public List<DeadLetter> list() {
    return reader.list();
  }

  @Override
  public ReplayResult replay(String runId) {
    try (DeadLetters deadLetters = new DeadLetters(access.kafka())) {
      if (!deadLetters.replay(runId)) {
        throw OpsException.notFound("Run " + runId + " has no dead letter.");
      }
      Meters.deadLettersReplayed(1);
      return new ReplayResult(List.of(replayed(runId)));
    }
  }

  @Override
  public ReplayResult replayAll() {
    List<ReplayResult.Replayed> done = new ArrayList<>();
    try (DeadLetters deadLetters = new DeadLetters(access.kafka())) {
      for (var letter : deadLetters.list()) {
        if (deadLetters.replay(letter.runId())) {
          done.add(replayed(letter.runId()));
        }
      }
    }
    Meters.deadLettersReplayed(done.size());
    return new ReplayResult(done);
  }

  private ReplayResult.Replayed replayed(String runId) {
    return new ReplayResult.Replayed(runId, "webhook-dlq", "webhook-retry-1");
  }
}
