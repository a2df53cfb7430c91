package dev.hookrun.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignatureTest {

  // The test vector published with the Standard Webhooks specification and its libraries.
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long TIMESTAMP = 1614265330;
  private static final String BODY = "{\"test\": 2432232314}";
  private static final String EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  @Test
  void theSpecificationVectorIsReproducedExactly() {
    byte[] key = WebhookSecrets.of(Map.of("p", SECRET)).keysFor("p").get(0);
    assertEquals(
        EXPECTED, SignatureSigner.sign(key, ID, TIMESTAMP, BODY.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void severalKeysGiveOneSpaceSeparatedSignatureEachInTheirOrder() {
    byte[] key = WebhookSecrets.of(Map.of("p", SECRET)).keysFor("p").get(0);
    byte[] other = "another-key-of-twenty-four-bytes".getBytes(StandardCharsets.UTF_8);
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
    assertEquals(
        SignatureSigner.sign(other, ID, TIMESTAMP, body) + " " + EXPECTED,
        SignatureSigner.sign(java.util.List.of(other, key), ID, TIMESTAMP, body));
  }

  @Test
  void theIndependentVerifierAcceptsTheVectorAndRejectsTampering() throws Exception {
    assertTrue(
        StandardWebhooksVerifier.verify(SECRET, ID, "1614265330", BODY, EXPECTED, TIMESTAMP));
    assertTrue(
        StandardWebhooksVerifier.verify(
            SECRET, ID, "1614265330", BODY, "v1,bm9wZQ== " + EXPECTED, TIMESTAMP),
        "any one matching signature of a space-separated list will do");
    assertFalse(
        StandardWebhooksVerifier.verify(SECRET, ID, "1614265330", BODY + " ", EXPECTED, TIMESTAMP));
    assertFalse(
        StandardWebhooksVerifier.verify(
            SECRET, "msg_other", "1614265330", BODY, EXPECTED, TIMESTAMP));
    assertFalse(
        StandardWebhooksVerifier.verify(SECRET, ID, "1614265330", BODY, EXPECTED, TIMESTAMP + 3600),
        "an old timestamp is a replay");
  }

  @Test
  void secretsMustBeWhsecBase64OfTwentyFourToSixtyFourBytes() {
    assertNull(WebhookSecrets.problem(SECRET));
    assertNotNull(WebhookSecrets.problem("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    assertNotNull(WebhookSecrets.problem("whsec_not*base64"));
    assertNotNull(WebhookSecrets.problem("whsec_c2hvcnQ="));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> WebhookSecrets.of(Map.of("p-1", "whsec_c2hvcnQ=")));
    assertTrue(e.getMessage().contains("p-1"));
    assertFalse(e.getMessage().contains("c2hvcnQ"), "a message never shows the secret");
  }

  @Test
  void secretsNeverAppearInToString() {
    WebhookSecrets secrets = WebhookSecrets.of(Map.of("p-1", SECRET));
    assertEquals("WebhookSecrets[p-1]", secrets.toString());
    assertFalse(
        DispatcherConfig.defaults(null)
            .withSecrets(Map.of("p-1", SECRET))
            .toString()
            .contains("MfKQ"));
  }
}
