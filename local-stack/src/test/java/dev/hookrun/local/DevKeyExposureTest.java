package dev.hookrun.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.config.ConfigException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The local run never opens its published development key to the network: a listen address other
 * than loopback needs keys of the user's own.
 */
class DevKeyExposureTest {

  @Test
  void loopbackIsLocalhostAnd127Slash8AndV6One() {
    for (String host :
        List.of(
            "127.0.0.1",
            "127.1.2.3",
            "127.255.255.255",
            "localhost",
            "LocalHost",
            "::1",
            "[::1]",
            "0:0:0:0:0:0:0:1")) {
      assertTrue(DevKeyExposure.isLoopback(host), host);
    }
    for (String host :
        List.of(
            "0.0.0.0",
            "::",
            "[::]",
            "192.168.1.10",
            "10.0.0.1",
            "128.0.0.1",
            "127.0.0.256",
            "fe80::1",
            "localhost.example.com",
            "my-laptop")) {
      assertFalse(DevKeyExposure.isLoopback(host), host);
    }
  }

  @Test
  void theDevelopmentKeyOnLoopbackStarts() {
    assertTrue(DevKeyExposure.refusal(Map.of()).isEmpty(), "unset HTTP_HOST is 127.0.0.1");
    assertTrue(DevKeyExposure.refusal(Map.of("HTTP_HOST", "::1")).isEmpty());
    assertTrue(DevKeyExposure.refusal(Map.of("HTTP_HOST", "localhost")).isEmpty());
  }

  @Test
  void theDevelopmentKeyOnAnyOtherAddressIsRefusedSayingHowToSetApiKeys() {
    for (String host : List.of("0.0.0.0", "::", "192.168.1.10", "my-laptop")) {
      Optional<String> refusal = DevKeyExposure.refusal(Map.of("HTTP_HOST", host));
      assertTrue(refusal.isPresent(), host);
      assertTrue(refusal.get().contains("HTTP_HOST=" + host), refusal.get());
      assertTrue(refusal.get().contains("API_KEYS=<key>=<project>"), refusal.get());
    }
    // the published key named in API_KEYS is as public as the default
    assertTrue(
        DevKeyExposure.refusal(
                Map.of("HTTP_HOST", "0.0.0.0", "API_KEYS", "mine=p1, dev-key-change-me=p-local"))
            .isPresent());
  }

  @Test
  void keysOfTheUsersOwnMayListenAnywhere() {
    assertTrue(
        DevKeyExposure.refusal(Map.of("HTTP_HOST", "0.0.0.0", "API_KEYS", "s3cret-key=p1"))
            .isEmpty());
  }

  @Test
  void theLocalRunEndsBeforeAnythingStarts() {
    ConfigException refused =
        assertThrows(
            ConfigException.class,
            () -> new LocalStack(Map.of("HTTP_HOST", "0.0.0.0", "API_KEYS", " ")));
    assertTrue(refused.getMessage().contains("API_KEYS"), refused.getMessage());
    assertThrows(
        ConfigException.class,
        () -> new StageProcesses(Map.of("HTTP_HOST", "0.0.0.0", "LOCAL_PROCESSES", "per-stage")));
  }
}
