package dev.hookrun.ops;

import dev.hookrun.ops.model.DeadLetter;
import dev.hookrun.ops.model.ReplayResult;
import java.util.List;

/**
 * The dead letters an operator sees and replays. Methods block (they talk to Kafka); callers on
 * an event loop run them through {@code executeBlocking}.
 *
 * <p>{@link DispatcherDeadLetterStore} is the default: the webhook dispatcher owns the
 * dead-letter format and the replay mechanism.
 */
public interface DeadLetterStore {

  /** Every record on the dead-letter topic, oldest first. */
  List<DeadLetter> list();

  /** Puts the run's latest dead letter back into delivery; NOT_FOUND when it has none. */
  ReplayResult replay(String runId);

  /** Puts every dead-lettered run (its latest dead letter) back into delivery. */
  ReplayResult replayAll();
}
