package dev.hookrun.dispatcher;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The signing secret of each project, in the Standard Webhooks form {@code whsec_<base64>}. Only
 * the decoded key bytes are kept, and {@link #toString} names projects, never secrets, so a logged
 * config cannot leak one.
 */
public final class WebhookSecrets {

  static final String PREFIX = "whsec_";

  /** The Standard Webhooks recommendation for a symmetric key. */
  static final int MIN_BYTES = 24;

  static final int MAX_BYTES = 64;

  private final Map<String, byte[]> keys;

  private WebhookSecrets(Map<String, byte[]> keys) {
    this.keys = keys;
  }

  public static WebhookSecrets none() {
    return new WebhookSecrets(Map.of());
  }

  /**
   * @throws IllegalArgumentException naming the project (never the secret) of a bad entry
   */
  public static WebhookSecrets of(Map<String, String> secretsByProject) {
    Map<String, byte[]> keys = new HashMap<>();
    secretsByProject.forEach(
        (project, secret) -> {
          String problem = problem(secret);
          if (problem != null) {
            throw new IllegalArgumentException("the secret of project " + project + " " + problem);
          }
          keys.put(project, decode(secret));
        });
    return new WebhookSecrets(Map.copyOf(keys));
  }

  /** What is wrong with a secret, or null; the text never contains the secret. */
  static String problem(String secret) {
    if (!secret.startsWith(PREFIX)) {
      return "does not start with " + PREFIX;
    }
    byte[] key;
    try {
      key = decode(secret);
    } catch (IllegalArgumentException e) {
      return "is not " + PREFIX + " followed by base64";
    }
    if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
      return "must decode to " + MIN_BYTES + " to " + MAX_BYTES + " bytes, not " + key.length;
    }
    return null;
  }

  private static byte[] decode(String secret) {
    return Base64.getDecoder().decode(secret.substring(PREFIX.length()));
  }

  Optional<byte[]> keyFor(String project) {
    return Optional.ofNullable(keys.get(project));
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  @Override
  public String toString() {
    return "WebhookSecrets" + new TreeSet<>(keys.keySet());
  }
}
