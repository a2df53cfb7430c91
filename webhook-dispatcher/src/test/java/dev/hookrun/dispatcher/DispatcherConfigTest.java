package dev.hookrun.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.config.ConfigException;
import dev.hookrun.common.config.Setting;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DispatcherConfigTest {

  private static final String GOOD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  @Test
  void defaultsMatchTheDocumentedValues() {
    DispatcherConfig c = DispatcherConfig.fromEnv(Map.of());
    assertEquals(7, c.retrySchedule().retries());
    assertEquals(Duration.ofSeconds(5), c.connectTimeout());
    assertEquals(Duration.ofSeconds(15), c.requestTimeout());
    assertEquals(List.of(), c.allowedNetworks());
    assertTrue(c.secrets().isEmpty());
    assertEquals(50, c.maxPerHost());
    assertEquals(Duration.ofMillis(5), c.recordLinger());
    assertEquals("127.0.0.1", c.httpHost(), "health and metrics stay on this machine unless set");
  }

  @Test
  void recordLingerIsReadAndBounded() {
    assertEquals(
        Duration.ZERO,
        DispatcherConfig.fromEnv(Map.of("DISPATCHER_RECORD_LINGER", "0ms")).recordLinger());
    assertEquals(
        Duration.ofMillis(20),
        DispatcherConfig.fromEnv(Map.of("DISPATCHER_RECORD_LINGER", "20ms")).recordLinger());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> DispatcherConfig.fromEnv(Map.of("DISPATCHER_RECORD_LINGER", "2s")));
    assertTrue(String.join("\n", e.problems()).contains("DISPATCHER_RECORD_LINGER"));
  }

  @Test
  void everySettingHasADefaultAndADescription() {
    for (Setting s : DispatcherConfig.SETTINGS) {
      assertTrue(s.defaultValue() != null && !s.description().isBlank(), s.name());
    }
  }

  @Test
  void readsScheduleSecretsAndNetworks() {
    DispatcherConfig c =
        DispatcherConfig.fromEnv(
            Map.of(
                "WEBHOOK_RETRY_SCHEDULE", "1s,1s,2s",
                "WEBHOOK_SECRETS", "p-1=" + GOOD_SECRET + ",p-2=" + GOOD_SECRET,
                "WEBHOOK_ALLOWED_NETWORKS", "10.0.0.0/8, fd00::/8"));
    assertEquals(3, c.retrySchedule().retries());
    assertEquals(
        List.of(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2)),
        c.retrySchedule().delays());
    assertTrue(!c.secrets().keysFor("p-1").isEmpty());
    assertTrue(c.secrets().keysFor("p-3").isEmpty());
    assertEquals(
        List.of(NetworkRange.parse("10.0.0.0/8"), NetworkRange.parse("fd00::/8")),
        c.allowedNetworks());
  }

  @Test
  void aProjectListedAgainHasSeveralSecretsNewestFirst() {
    String newer = "whsec_cm90YXRlZC1zZWNyZXQtb2YtdGhpcnR5LXR3by1ieXQ=";
    DispatcherConfig c =
        DispatcherConfig.fromEnv(
            Map.of(
                "WEBHOOK_SECRETS", "p-1=" + newer + ",p-2=" + GOOD_SECRET + ",p-1=" + GOOD_SECRET));
    List<byte[]> keys = c.secrets().keysFor("p-1");
    assertEquals(2, keys.size());
    assertEquals(
        SignatureSigner.sign(keys.get(0), "id", 1, new byte[0]),
        SignatureSigner.sign(
            WebhookSecrets.of(Map.of("p", newer)).keysFor("p").get(0), "id", 1, new byte[0]),
        "the secret listed first signs first");
    assertEquals(1, c.secrets().keysFor("p-2").size());

    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                DispatcherConfig.fromEnv(
                    Map.of("WEBHOOK_SECRETS", "p-1=" + GOOD_SECRET + ",p-1=" + GOOD_SECRET)));
    String all = String.join("\n", e.problems());
    assertTrue(all.contains("project p-1") && all.contains("twice"), all);
    assertFalse(all.contains("MfKQ"), "secrets never appear: " + all);
  }

  @Test
  void theProjectShareIsAFractionAboveZeroAndAtMostOne() {
    assertEquals(0.5, DispatcherConfig.fromEnv(Map.of()).projectShare());
    assertEquals(
        0.25, DispatcherConfig.fromEnv(Map.of("DISPATCHER_PROJECT_SHARE", "0.25")).projectShare());
    assertEquals(
        1.0, DispatcherConfig.fromEnv(Map.of("DISPATCHER_PROJECT_SHARE", "1")).projectShare());
    for (String bad : List.of("0", "-0.5", "1.01", "half", "NaN")) {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> DispatcherConfig.fromEnv(Map.of("DISPATCHER_PROJECT_SHARE", bad)),
              bad);
      assertTrue(String.join("\n", e.problems()).contains("DISPATCHER_PROJECT_SHARE=" + bad));
    }
    assertEquals(500, ProjectShares.perProject(1000, 0.5));
    assertEquals(1, ProjectShares.perProject(1, 0.5), "never less than one delivery");
  }

  @Test
  void allowedPortsArePortsAndRangesAndEmptyAllowsAny() {
    AllowedPorts any = DispatcherConfig.fromEnv(Map.of()).allowedPorts();
    assertTrue(any.allowsAny());
    assertTrue(any.allows(1) && any.allows(65_535));
    AllowedPorts some =
        DispatcherConfig.fromEnv(Map.of("WEBHOOK_ALLOWED_PORTS", "80, 443,8000-9000"))
            .allowedPorts();
    assertTrue(some.allows(80) && some.allows(443) && some.allows(8000) && some.allows(9000));
    assertFalse(some.allows(22) || some.allows(7999) || some.allows(9001) || some.allows(8080 * 2));
    for (String bad : List.of("http", "0", "65536", "9000-8000", "80-", "-1")) {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> DispatcherConfig.fromEnv(Map.of("WEBHOOK_ALLOWED_PORTS", "443," + bad)),
              bad);
      String all = String.join("\n", e.problems());
      assertTrue(all.contains("WEBHOOK_ALLOWED_PORTS") && all.contains(bad), all);
    }
  }

  @Test
  void everyProblemIsReportedAtOnceAndNoSecretIsShown() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                DispatcherConfig.fromEnv(
                    Map.of(
                        "WEBHOOK_RETRY_SCHEDULE", "5s,soon,0s",
                        "WEBHOOK_SECRETS", "p-1=whsec_dG9vc2hvcnQ=,p-2=plaintextsecret",
                        "WEBHOOK_ALLOWED_NETWORKS", "10.0.0.0/8,10.0.0.0/40,intranet",
                        "WEBHOOK_REQUEST_TIMEOUT", "forever")));
    String all = String.join("\n", e.problems());
    assertTrue(all.contains("WEBHOOK_RETRY_SCHEDULE: 'soon'"), all);
    assertTrue(all.contains("WEBHOOK_RETRY_SCHEDULE delay"), all);
    assertTrue(all.contains("project p-1"), all);
    assertTrue(all.contains("project p-2"), all);
    assertTrue(all.contains("10.0.0.0/40"), all);
    assertTrue(all.contains("intranet"), all);
    assertTrue(all.contains("WEBHOOK_REQUEST_TIMEOUT"), all);
    assertFalse(
        all.contains("dG9vc2hvcnQ") || all.contains("plaintextsecret"),
        "secrets never appear: " + all);
  }

  @Test
  void aRunRetentionShorterThanTheRetryScheduleWithItsJitterIsRefusedNamingBoth() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                DispatcherConfig.fromEnv(
                    Map.of("RUN_RETENTION", "24h", "WEBHOOK_REQUEST_TIMEOUT", "forever")));
    String all = String.join("\n", e.problems());
    assertTrue(all.contains("RUN_RETENTION=24h"), all);
    assertTrue(all.contains("WEBHOOK_RETRY_SCHEDULE=5s,5m,30m,2h,5h,10h,10h"), all);
    assertTrue(all.contains("33h6m6s"), "the schedule's longest, +20 %: " + all);
    assertTrue(all.contains("WEBHOOK_REQUEST_TIMEOUT"), "reported with the others: " + all);

    assertEquals(
        Duration.ofHours(48),
        DispatcherConfig.fromEnv(Map.of()).kafka().runRetention(),
        "the default retention covers the default schedule");
    assertEquals(
        Duration.ofHours(12),
        DispatcherConfig.fromEnv(Map.of("RUN_RETENTION", "12h", "WEBHOOK_RETRY_SCHEDULE", "10h"))
            .kafka()
            .runRetention(),
        "10 h + 20 % fits 12 h exactly");
    String shorter =
        String.join(
            "\n",
            assertThrows(
                    ConfigException.class,
                    () ->
                        DispatcherConfig.fromEnv(
                            Map.of("RUN_RETENTION", "11h", "WEBHOOK_RETRY_SCHEDULE", "10h")))
                .problems());
    assertTrue(shorter.contains("RUN_RETENTION=11h") && shorter.contains("12h"), shorter);
  }

  @Test
  void loopbackIsOpenedOnlyWhenNoAllowListIsConfigured() {
    DispatcherConfig unset = DispatcherConfig.fromEnv(Map.of());
    assertEquals(
        List.of(NetworkRange.parse("127.0.0.0/8"), NetworkRange.parse("::1/128")),
        unset.withLoopbackAllowed().allowedNetworks());
    DispatcherConfig set =
        DispatcherConfig.fromEnv(Map.of("WEBHOOK_ALLOWED_NETWORKS", "10.0.0.0/8"));
    assertEquals(
        List.of(NetworkRange.parse("10.0.0.0/8")), set.withLoopbackAllowed().allowedNetworks());
  }
}
