package dev.hookrun.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.dispatcher.DispatcherConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The local run allows loopback only when no allow-list is set, and its banner says so truthfully.
 */
class WebhookPolicyNoteTest {

  @Test
  void withoutAnAllowListTheLocalRunAllowsLoopbackAndSaysSo() {
    DispatcherConfig local = DispatcherConfig.fromEnv(Map.of()).withLoopbackAllowed();
    String note = LocalStackMain.webhookNote(local);
    assertTrue(note.contains("loopback (127.0.0.0/8, ::1/128)"), note);
    assertTrue(note.contains("other private addresses are refused"), note);
    assertTrue(note.contains("not signed"), note);
  }

  @Test
  void aConfiguredAllowListIsTheWholeListAndLoopbackIsNotAdded() {
    DispatcherConfig local =
        DispatcherConfig.fromEnv(
                Map.of(
                    "WEBHOOK_ALLOWED_NETWORKS",
                    "10.0.0.0/8",
                    "WEBHOOK_SECRETS",
                    "p-local=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
            .withLoopbackAllowed();
    String note = LocalStackMain.webhookNote(local);
    assertTrue(note.contains("WEBHOOK_ALLOWED_NETWORKS=10.0.0.0/8 only"), note);
    assertFalse(note.contains("127.0.0.0/8"), note);
    assertFalse(note.contains("not signed"), note);
  }
}
