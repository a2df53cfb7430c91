package dev.hookrun.results;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks the filesystem store's result URLs: {@code /results/{key}?expires=<unix
 * seconds>&sig=<base64url HMAC-SHA256 of "key\nexpires">}. The expiry is inside the signature, so
 * neither it nor the key can be changed without the secret.
 *
 * <p>It holds the secrets newest first: links are signed with the first and accepted when signed
 * with any, so RESULT_URL_SECRET can be rotated without breaking links already handed out.
 */
public final class UrlSigner {

  public enum Verdict {
    VALID,
    EXPIRED,
    BAD_SIGNATURE
  }

  private final List<byte[]> secrets;

  public UrlSigner(byte[] secret) {
    this(List.of(secret));
  }

  /** {@code secrets} newest first; at least one. */
  public UrlSigner(List<byte[]> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("no URL secret");
    }
    this.secrets = secrets.stream().map(byte[]::clone).toList();
  }

  /** The signature new links get: by the newest secret. */
  public String signature(String key, long expiresEpochSecond) {
    return signature(secrets.get(0), key, expiresEpochSecond);
  }

  private static String signature(byte[] secret, String key, long expiresEpochSecond) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] digest = mac.doFinal(ResultKeys.utf8(key + "\n" + expiresEpochSecond));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e); // HmacSHA256 is in every JVM
    }
  }

  /** The path and query of a link to {@code key} valid until {@code expires}. */
  public String pathAndQuery(String key, Instant expires) {
    long at = expires.getEpochSecond();
    return "/results/" + key + "?expires=" + at + "&sig=" + signature(key, at);
  }

  /** Checks the signature first, so an altered link is never reported as merely expired. */
  public Verdict check(String key, String expires, String sig, Instant now) {
    if (key == null || expires == null || sig == null || !expires.matches("\\d{1,12}")) {
      return Verdict.BAD_SIGNATURE;
    }
    long at = Long.parseLong(expires);
    boolean same = false;
    for (byte[] secret : secrets) {
      // every secret is tried, so the time taken does not tell which one signed
      same |=
          MessageDigest.isEqual(ResultKeys.utf8(signature(secret, key, at)), ResultKeys.utf8(sig));
    }
    if (!same) {
      return Verdict.BAD_SIGNATURE;
    }
    return now.getEpochSecond() >= at ? Verdict.EXPIRED : Verdict.VALID;
  }
}
