package dev.hookrun.common.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.config.ConfigException;
import dev.hookrun.common.config.Env;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchedulingSettingsTest {

  private static SchedulingPolicy read(Map<String, String> vars) {
    return Env.read(vars, SchedulingSettings::fromEnv);
  }

  private static List<String> problems(Map<String, String> vars) {
    return assertThrows(ConfigException.class, () -> read(vars)).problems();
  }

  @Test
  void unsetMeansEqualSharesNoCapsAndTenMinuteAging() {
    assertEquals(SchedulingPolicy.unlimited(), read(Map.of()));
    assertEquals(
        SchedulingPolicy.unlimited(),
        read(Map.of("PROJECT_WEIGHTS", " ", "PROJECT_MAX_RUNNING", "")));
  }

  @Test
  void readsWeightsCapsAndAging() {
    SchedulingPolicy policy =
        read(
            Map.of(
                "PROJECT_WEIGHTS", "p1=3,p2=1,*=2",
                "PROJECT_MAX_RUNNING", "8,p1=4",
                "PRIORITY_AGING", "90s"));
    assertEquals(3, policy.weight("p1"));
    assertEquals(1, policy.weight("p2"));
    assertEquals(2, policy.weight("p3"));
    assertEquals(4, policy.maxRunning("p1"));
    assertEquals(8, policy.maxRunning("p2"));
    assertEquals(Duration.ofSeconds(90), policy.aging());
  }

  @Test
  void zeroAgingTurnsAgingOff() {
    assertEquals(Duration.ZERO, read(Map.of("PRIORITY_AGING", "0s")).aging());
  }

  @Test
  void aBadWeightIsAStartUpProblemNamingTheVariableAndTheEntry() {
    List<String> problems = problems(Map.of("PROJECT_WEIGHTS", "p1=3,p2=heavy"));
    assertEquals(1, problems.size(), problems::toString);
    assertTrue(problems.get(0).startsWith("PROJECT_WEIGHTS"), problems::toString);
    assertTrue(problems.get(0).contains("p2=heavy"), problems::toString);
  }

  @Test
  void aBadCapIsAStartUpProblemNamingTheVariable() {
    List<String> problems = problems(Map.of("PROJECT_MAX_RUNNING", "p1=0"));
    assertEquals(1, problems.size(), problems::toString);
    assertTrue(problems.get(0).startsWith("PROJECT_MAX_RUNNING"), problems::toString);
  }

  @Test
  void everyBadVariableIsReportedAtOnce() {
    List<String> problems =
        problems(
            Map.of(
                "PROJECT_WEIGHTS", "p1",
                "PROJECT_MAX_RUNNING", "8,9",
                "PRIORITY_AGING", "soon"));
    assertEquals(3, problems.size(), problems::toString);
    assertTrue(
        problems.stream().anyMatch(p -> p.startsWith("PROJECT_WEIGHTS")), problems::toString);
    assertTrue(
        problems.stream().anyMatch(p -> p.startsWith("PROJECT_MAX_RUNNING")), problems::toString);
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("PRIORITY_AGING")), problems::toString);
  }

  @Test
  void agingLongerThanAnyRunCanWaitIsRefused() {
    List<String> problems = problems(Map.of("PRIORITY_AGING", "31d"));
    assertTrue(problems.get(0).startsWith("PRIORITY_AGING"), problems::toString);
  }
}
