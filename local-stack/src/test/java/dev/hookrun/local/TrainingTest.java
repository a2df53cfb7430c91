package dev.hookrun.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The training run of the start-up cache ({@code ./run.sh train}): a local run of its own, through
 * which runs are predicted, run, delivered and read back, and then stopped.
 */
class TrainingTest {

  @Test
  void aTrainingRunTakesEveryRunThroughALocalRunOfItsOwn() throws Exception {
    // true only once every accepted run with a webhook was delivered
    assertTrue(Training.trainOwnRun(200));
  }
}
