package dev.hookrun.common.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchedulingPolicyTest {

  private static final Duration AGING = Duration.ofMinutes(10);

  @Test
  void unlimitedMeansEqualWeightsNoCapsAndTenMinuteAging() {
    SchedulingPolicy policy = SchedulingPolicy.unlimited();
    assertEquals(1, policy.weight("any"));
    assertEquals(Integer.MAX_VALUE, policy.maxRunning("any"));
    assertEquals(Duration.ofMinutes(10), policy.aging());
  }

  @Test
  void unsetOrBlankVariablesGiveTheDefaults() {
    assertEquals(SchedulingPolicy.unlimited(), SchedulingPolicy.parse(null, null, AGING));
    assertEquals(SchedulingPolicy.unlimited(), SchedulingPolicy.parse("", "  ", AGING));
  }

  @Test
  void readsProjectWeights() {
    SchedulingPolicy policy = SchedulingPolicy.parse("p1=3,p2=1", null, AGING);
    assertEquals(Map.of("p1", 3, "p2", 1), policy.weights());
    assertEquals(3, policy.weight("p1"));
    assertEquals(1, policy.weight("p3"));
  }

  @Test
  void aStarEntrySetsTheWeightOfProjectsNotListed() {
    SchedulingPolicy policy = SchedulingPolicy.parse(" *=2 , p1 = 5 ", null, AGING);
    assertEquals(2, policy.defaultWeight());
    assertEquals(5, policy.weight("p1"));
    assertEquals(2, policy.weight("other"));
  }

  @Test
  void readsMaxRunningAsADefaultPerProjectOrBoth() {
    assertEquals(8, SchedulingPolicy.parse(null, "8", AGING).maxRunning("any"));

    SchedulingPolicy perProject = SchedulingPolicy.parse(null, "p1=4,p2=2", AGING);
    assertEquals(4, perProject.maxRunning("p1"));
    assertEquals(2, perProject.maxRunning("p2"));
    assertEquals(Integer.MAX_VALUE, perProject.maxRunning("p3"));

    SchedulingPolicy both = SchedulingPolicy.parse(null, "8,p1=4", AGING);
    assertEquals(4, both.maxRunning("p1"));
    assertEquals(8, both.maxRunning("p2"));
    assertEquals(8, SchedulingPolicy.parse(null, "p1=4,*=8", AGING).maxRunning("p2"));
  }

  @Test
  void zeroAgingIsAllowedAndMeansNone() {
    assertEquals(Duration.ZERO, SchedulingPolicy.parse(null, null, Duration.ZERO).aging());
  }

  @Test
  void aBareWeightIsRejectedNamingTheEntry() {
    assertBad("PROJECT_WEIGHTS", "\"3\"", () -> SchedulingPolicy.parse("p1=2,3", null, AGING));
  }

  @Test
  void badWeightsAreRejectedNamingTheEntry() {
    for (String entry :
        new String[] {"p1=0", "p1=-1", "p1=x", "p1=", "=3", "p1=1.5", "p1=99999999999"}) {
      assertBad(
          "PROJECT_WEIGHTS",
          "\"" + entry + "\"",
          () -> SchedulingPolicy.parse("ok=1," + entry, null, AGING));
    }
  }

  @Test
  void strayCommasAndRepeatsAreRejected() {
    assertBad("PROJECT_WEIGHTS", "empty entry", () -> SchedulingPolicy.parse("p1=3,", null, AGING));
    assertBad(
        "PROJECT_WEIGHTS", "given twice", () -> SchedulingPolicy.parse("p1=3,p1=4", null, AGING));
    assertBad(
        "PROJECT_WEIGHTS", "given twice", () -> SchedulingPolicy.parse("*=1,*=2", null, AGING));
    assertBad(
        "PROJECT_MAX_RUNNING", "given twice", () -> SchedulingPolicy.parse(null, "8,9", AGING));
    assertBad(
        "PROJECT_MAX_RUNNING", "given twice", () -> SchedulingPolicy.parse(null, "8,*=8", AGING));
  }

  @Test
  void badMaxRunningIsRejectedNamingTheEntry() {
    for (String entry : new String[] {"0", "-2", "p1=0", "p1=many", "eight", "=4"}) {
      assertBad(
          "PROJECT_MAX_RUNNING",
          "\"" + entry + "\"",
          () -> SchedulingPolicy.parse(null, "p9=1," + entry, AGING));
    }
  }

  @Test
  void theConstructorRejectsWhatParseWould() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new SchedulingPolicy(Map.of("p1", 0), 1, Map.of(), 1, AGING));
    assertThrows(
        IllegalArgumentException.class,
        () -> new SchedulingPolicy(Map.of(), 0, Map.of(), 1, AGING));
    assertThrows(
        IllegalArgumentException.class,
        () -> new SchedulingPolicy(Map.of(), 1, Map.of("p1", 0), 1, AGING));
    assertThrows(
        IllegalArgumentException.class,
        () -> new SchedulingPolicy(Map.of(), 1, Map.of(), 0, AGING));
    assertThrows(
        IllegalArgumentException.class,
        () -> new SchedulingPolicy(Map.of(), 1, Map.of(), 1, Duration.ofSeconds(-1)));
  }

  private static void assertBad(
      String variable, String mentions, org.junit.jupiter.api.function.Executable parse) {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, parse);
    assertTrue(error.getMessage().startsWith(variable + ":"), error.getMessage());
    assertTrue(error.getMessage().contains(mentions), error.getMessage());
  }
}
