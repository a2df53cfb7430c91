package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RunIdsTest {

  /**
   * A run id names a run across gateways and upgrades (an Idempotency-Key sent again after a deploy
   * must find the same run): it must stay the UUID earlier versions derived.
   */
  @Test
  void aRunIdIsTheNameBasedUuidOfProjectAndKey() {
    Random random = new Random(11);
    for (int i = 0; i < 2_000; i++) {
      String project = "p-" + random.nextInt(1000);
      StringBuilder key = new StringBuilder();
      int length = 1 + random.nextInt(60);
      for (int c = 0; c < length; c++) {
        key.appendCodePoint(
            random.nextInt(10) == 0 ? 0x4e00 + random.nextInt(500) : 33 + random.nextInt(90));
      }
      String expected =
          UUID.nameUUIDFromBytes((project + '\u0000' + key).getBytes(StandardCharsets.UTF_8))
              .toString();
      assertEquals(expected, RunIds.of(project, key.toString()), "key " + key);
    }
  }

  @Test
  void knownKeysKeepTheirRunIds() {
    // computed by the gateway before RunIds existed (UUID.nameUUIDFromBytes)
    assertEquals(
        "ead931f2-cdbf-3014-af85-3b78fb8eda79", PredictHandler.runIdFor("acme", "order-42"));
    assertEquals(3, UUID.fromString(RunIds.of("acme", "order-42")).version());
  }
}
