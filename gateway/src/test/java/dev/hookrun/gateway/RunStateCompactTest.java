package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.hookrun.common.run.DeliveryState;
import dev.hookrun.common.run.RunError;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunStatus;
import dev.hookrun.common.run.WebhookState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a gateway's view keeps of a finished run reads back exactly as it was written. */
class RunStateCompactTest {

  private static final Instant AT = Instant.parse("2026-11-29T08:00:00Z");

  private static RunState finished(String runId, Object result) {
    return RunState.finished(
        new RunResult(
            runId,
            new String("project-a"),
            new String("app-b"),
            RunStatus.SUCCEEDED,
            result,
            (RunError) null,
            5,
            AT,
            AT,
            AT.plusMillis(5),
            new String("http://hooks.example/x"),
            new String("worker-1")),
        AT.plusMillis(6));
  }

  @Test
  void aCompactedStateReadsBackTheSameResultAndJson() {
    JsonObject output =
        new JsonObject().put("text", "héllo").put("n", 3).put("list", new JsonArray().add(1.5));
    RunState full = finished("r1", output);
    RunState kept = full.compacted(new Interner(100));

    assertEquals(output, kept.result());
    assertNotSame(kept.result(), kept.result(), "each read decodes its own copy");
    assertEquals(full.toJson(), kept.toJson());
    RunState delivered =
        RunState.merge(
            kept,
            RunState.delivering(
                new DeliveryState(
                    "r1",
                    "project-a",
                    "app-b",
                    RunStatus.SUCCEEDED,
                    AT,
                    new WebhookState(
                        "http://hooks.example/x", WebhookState.DELIVERED, 1, 200, null, null),
                    AT.plusMillis(7))));
    assertEquals(output, delivered.result(), "a later webhook state keeps the result");
  }

  @Test
  void scalarAndMissingResultsStayAsTheyAre() {
    assertEquals("ok", finished("r2", "ok").compacted(new Interner(10)).result());
    assertEquals(null, finished("r3", null).compacted(new Interner(10)).result());
    assertInstanceOf(
        JsonArray.class,
        finished("r4", new JsonArray().add("a")).compacted(new Interner(10)).result());
  }

  @Test
  void stringsRepeatedAcrossRunsAreShared() {
    Interner strings = new Interner(100);
    RunState one = finished("r5", "x").compacted(strings);
    RunState two = finished("r6", "y").compacted(strings);
    assertSame(one.project(), two.project());
    assertSame(one.app(), two.app());
    assertSame(one.workerId(), two.workerId());
    assertSame(one.webhook().endpoint(), two.webhook().endpoint());
  }

  @Test
  void pastItsBoundTheInternerHandsBackWhatItIsGiven() {
    Interner strings = new Interner(1);
    String a = strings.intern(new String("a"));
    assertSame(a, strings.intern(new String("a")));
    String b = new String("b");
    assertSame(b, strings.intern(b));
    assertNotSame(b, strings.intern(new String("b")));
  }
}
