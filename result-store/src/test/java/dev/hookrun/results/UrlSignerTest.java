package dev.hookrun.results;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UrlSignerTest {

  private final UrlSigner signer =
      new UrlSigner("a-secret-of-sixteen+".getBytes(StandardCharsets.UTF_8));
  private final Instant now = Instant.parse("2026-11-29T03:00:00Z");
  private final long expires = now.plusSeconds(60).getEpochSecond();

  @Test
  void aLinkItSignedIsValidUntilItExpires() {
    String sig = signer.signature("run-1.json", expires);
    assertEquals(
        UrlSigner.Verdict.VALID, signer.check("run-1.json", Long.toString(expires), sig, now));
    assertEquals(
        UrlSigner.Verdict.EXPIRED,
        signer.check("run-1.json", Long.toString(expires), sig, now.plusSeconds(60)));
  }

  @Test
  void changingTheKeyTheExpiryOrTheSignatureBreaksIt() {
    String sig = signer.signature("run-1.json", expires);
    assertEquals(
        UrlSigner.Verdict.BAD_SIGNATURE,
        signer.check("run-2.json", Long.toString(expires), sig, now));
    assertEquals(
        UrlSigner.Verdict.BAD_SIGNATURE,
        signer.check("run-1.json", Long.toString(expires + 3600), sig, now));
    assertEquals(
        UrlSigner.Verdict.BAD_SIGNATURE,
        signer.check("run-1.json", Long.toString(expires), sig.substring(1) + "A", now));
    assertEquals(UrlSigner.Verdict.BAD_SIGNATURE, signer.check("run-1.json", "soon", sig, now));
    assertEquals(UrlSigner.Verdict.BAD_SIGNATURE, signer.check("run-1.json", null, null, now));
  }

  @Test
  void anExpiredLinkWithABadSignatureIsReportedAsBadNotExpired() {
    long past = now.minusSeconds(60).getEpochSecond();
    assertEquals(
        UrlSigner.Verdict.BAD_SIGNATURE,
        signer.check("run-1.json", Long.toString(past), "forged", now));
  }

  @Test
  void anotherSecretDoesNotVerify() {
    UrlSigner other = new UrlSigner("another-secret-16+".getBytes(StandardCharsets.UTF_8));
    String sig = other.signature("run-1.json", expires);
    assertEquals(
        UrlSigner.Verdict.BAD_SIGNATURE,
        signer.check("run-1.json", Long.toString(expires), sig, now));
  }
}
