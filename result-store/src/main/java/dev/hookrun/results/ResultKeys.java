package dev.hookrun.results;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Names of stored results. A key is flat (no slashes) and made of the run id and the start of the
 * bytes' SHA-256: a run executed twice after a crash writes two objects instead of overwriting, so
 * the outcome that wins always names bytes matching its {@code result_sha256}.
 */
public final class ResultKeys {

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,250}");

  private ResultKeys() {}

  public static String key(String runId, String sha256Hex) {
    String id = runId.replaceAll("[^A-Za-z0-9_-]", "_");
    return id + "-" + sha256Hex.substring(0, 16) + ".json";
  }

  /** Whether {@code key} could have come from {@link #key}: no path tricks reach the store. */
  public static boolean isValid(String key) {
    return key != null && SAFE.matcher(key).matches() && !key.contains("..");
  }

  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JVM has SHA-256
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
