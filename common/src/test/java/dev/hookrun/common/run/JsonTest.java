package dev.hookrun.common.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void parsesWhatInstantToStringWritesExactlyAsInstantParseDoes() {
    Random random = new Random(42);
    for (int i = 0; i < 100_000; i++) {
      String text =
          randomInstant(random, i, "1970-01-01T00:00:00Z", "2400-12-31T23:59:59Z").toString();
      assertEquals(Instant.parse(text), Json.parseInstant(text), text);
    }
  }

  @Test
  void formatsInstantsExactlyAsInstantToStringDoes() {
    Random random = new Random(7);
    for (int i = 0; i < 100_000; i++) {
      Instant instant = randomInstant(random, i, "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z");
      assertEquals(instant.toString(), Json.formatInstant(instant));
    }
    for (Instant edge :
        List.of(
            Instant.EPOCH,
            Instant.parse("1969-12-31T23:59:59.999999999Z"),
            Instant.parse("2024-02-29T23:59:59.000001Z"),
            Instant.parse("0001-01-01T00:00:00Z"),
            Instant.parse("9999-12-31T23:59:59.999Z"),
            Instant.parse("0000-12-31T23:59:59Z"),
            Instant.parse("+10000-01-01T00:00:00Z"),
            Instant.MIN,
            Instant.MAX)) {
      assertEquals(edge.toString(), Json.formatInstant(edge));
    }
  }

  @Test
  void edgeCasesMatchInstantParse() {
    for (String text :
        List.of(
            "2024-02-29T23:59:59.999999999Z",
            "2000-01-01T00:00:00Z",
            "1969-12-31T23:59:59.5Z",
            "0001-01-01T00:00:00Z",
            "2026-11-26T20:16:11.12Z",
            "2026-11-26T20:16:11+01:00",
            "+10000-01-01T00:00:00Z",
            "2026-11-26T24:00:00Z",
            "2026-11-26T20:16:11.Z")) { // both accepted by Instant.parse
      assertEquals(Instant.parse(text), Json.parseInstant(text), text);
    }
  }

  @Test
  void rejectsWhatInstantParseRejects() {
    for (String text :
        List.of(
            "2026-02-30T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-11-26 20:16:11Z",
            "2026-11-26T20:16:1xZ",
            "yesterday")) {
      assertThrows(DateTimeParseException.class, () -> Instant.parse(text), text);
      assertThrows(DateTimeParseException.class, () -> Json.parseInstant(text), text);
    }
  }

  /**
   * A random instant between {@code from} and {@code to} whose fraction {@code i} picks from the
   * four lengths toString writes: none, 3, 6 or 9 digits.
   */
  private static Instant randomInstant(Random random, int i, String from, String to) {
    long first = Instant.parse(from).getEpochSecond();
    long last = Instant.parse(to).getEpochSecond();
    long second = first + (long) (random.nextDouble() * (last - first));
    int nanos =
        switch (i % 4) {
          case 0 -> 0;
          case 1 -> random.nextInt(1000) * 1_000_000;
          case 2 -> random.nextInt(1_000_000) * 1_000;
          default -> random.nextInt(1_000_000_000);
        };
    return Instant.ofEpochSecond(second, nanos);
  }
}
