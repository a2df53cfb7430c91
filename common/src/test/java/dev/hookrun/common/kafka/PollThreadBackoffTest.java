package dev.hookrun.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The poll thread's back-off: doubles from 200 ms to at most 10 s; a success starts it over. */
class PollThreadBackoffTest {

  @Test
  void doublesFromTheFirstStepUpToTheCap() {
    List<Long> waits = new ArrayList<>();
    long wait = 0; // no failure yet, or a poll succeeded since
    for (int failure = 0; failure < 9; failure++) {
      wait = PollThread.nextBackoff(wait);
      waits.add(wait);
    }
    assertEquals(
        List.of(200L, 400L, 800L, 1_600L, 3_200L, 6_400L, 10_000L, 10_000L, 10_000L), waits);
  }
}
