package dev.hookrun.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.run.RunStatus;
import io.vertx.core.MultiMap;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunQueryTest {

  private static MultiMap params(String... pairs) {
    MultiMap map = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) {
      map.add(pairs[i], pairs[i + 1]);
    }
    return map;
  }

  @Test
  void blankPartsMatchEverythingAndTheRangeIsSinceInclusiveUntilExclusive() {
    RunQuery query =
        RunQuery.of(
            params(
                "project",
                "p1",
                "app",
                "",
                "status",
                "failed",
                "since",
                "2026-01-01T00:00:00Z",
                "until",
                "2026-01-02T00:00:00Z"));
    assertEquals(RunQuery.DEFAULT_LIMIT, query.limit());
    Instant since = Instant.parse("2026-01-01T00:00:00Z");
    assertTrue(query.matches("p1", "any-app", RunStatus.FAILED, since));
    assertFalse(query.matches("p1", "any-app", RunStatus.FAILED, since.plusSeconds(86_400)));
    assertFalse(query.matches("p2", "any-app", RunStatus.FAILED, since));
    assertFalse(query.matches("p1", "any-app", RunStatus.SUCCEEDED, since));
  }

  @Test
  void aBadPartIsA400NamingItsField() {
    for (String[] bad :
        new String[][] {
          {"status", "done"},
          {"since", "yesterday"},
          {"until", "2026-01-01"},
          {"limit", "0"},
          {"limit", "501"},
          {"limit", "ten"}
        }) {
      var error = assertThrows(RunQuery.Invalid.class, () -> RunQuery.of(params(bad))).error;
      assertEquals(400, error.status());
      assertEquals("invalid_field", error.code());
      assertEquals(bad[0], error.field());
    }
  }
}
