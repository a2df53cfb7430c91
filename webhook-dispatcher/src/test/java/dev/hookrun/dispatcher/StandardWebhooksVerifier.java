package dev.hookrun.dispatcher;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A receiver's verification, written from the Standard Webhooks specification and deliberately
 * sharing no code with {@link SignatureSigner}: decode the secret after {@code whsec_}, HMAC-SHA256
 * the text {@code id.timestamp.body}, base64 it, and accept if any {@code v1,} entry of the
 * space-separated header matches (in constant time) and the timestamp is within 5 minutes.
 */
final class StandardWebhooksVerifier {

  static final long TOLERANCE_SECONDS = 5 * 60;

  private StandardWebhooksVerifier() {}

  static boolean verify(
      String secret,
      String id,
      String timestamp,
      String rawBody,
      String signatureHeader,
      long nowSeconds)
      throws Exception {
    if (id == null || timestamp == null || signatureHeader == null) {
      return false;
    }
    if (Math.abs(nowSeconds - Long.parseLong(timestamp)) > TOLERANCE_SECONDS) {
      return false;
    }
    byte[] key = Base64.getDecoder().decode(secret.replaceFirst("^whsec_", ""));
    Mac hmac = Mac.getInstance("HmacSHA256");
    hmac.init(new SecretKeySpec(key, "HmacSHA256"));
    String signedContent = id + "." + timestamp + "." + rawBody;
    byte[] expected =
        Base64.getEncoder().encode(hmac.doFinal(signedContent.getBytes(StandardCharsets.UTF_8)));
    for (String entry : signatureHeader.split(" ")) {
      int comma = entry.indexOf(',');
      if (comma > 0
          && entry.substring(0, comma).equals("v1")
          && MessageDigest.isEqual(
              entry.substring(comma + 1).getBytes(StandardCharsets.UTF_8), expected)) {
        return true;
      }
    }
    return false;
  }
}
