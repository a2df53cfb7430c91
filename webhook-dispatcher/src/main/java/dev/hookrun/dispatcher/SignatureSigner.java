package dev.hookrun.dispatcher;

import dev.hookrun.common.crypto.PerThread;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>}. The
 * timestamp is signed too, so a receiver that rejects old timestamps also rejects replays.
 */
final class SignatureSigner {

  static final String HEADER_ID = "webhook-id";
  static final String HEADER_TIMESTAMP = "webhook-timestamp";
  static final String HEADER_SIGNATURE = "webhook-signature";

  private static final ThreadLocal<Mac> HMAC = PerThread.mac("HmacSHA256");

  private SignatureSigner() {}

  /**
   * The {@code webhook-signature} value for several keys: one {@code v1,} signature per key,
   * space-separated in the order given, as the specification allows while a secret is rotated.
   */
  static String sign(List<byte[]> keys, String id, long timestampSeconds, byte[] body) {
    return keys.stream()
        .map(key -> sign(key, id, timestampSeconds, body))
        .collect(Collectors.joining(" "));
  }

  static String sign(byte[] key, String id, long timestampSeconds, byte[] body) {
    try {
      Mac mac = HMAC.get();
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }
}
