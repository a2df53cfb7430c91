package dev.hookrun.dispatcher;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The signing secrets of each project, in the Standard Webhooks form {@code whsec_<base64>}, newest
 * first. A project has several while its secret is rotated: every webhook is signed with each of
 * them, so a receiver that knows either the old or the new one accepts it. Only the decoded key
 * bytes are kept, and {@link #toString} names projects, never secrets, so a logged config cannot
 * leak one.
 */
public final class WebhookSecrets {

  static final String PREFIX = "whsec_";

  /** The Standard Webhooks recommendation for a symmetric key. */
  static final int MIN_BYTES = 24;

  static final int MAX_BYTES = 64;

  private final Map<String, List<byte[]>> keys;

  private WebhookSecrets(Map<String, List<byte[]>> keys) {
    this.keys = keys;
  }

  public static WebhookSecrets none() {
    return new WebhookSecrets(Map.of());
  }

  /**
   * One secret per project.
   *
   * @throws IllegalArgumentException naming the project (never the secret) of a bad entry
   */
  public static WebhookSecrets of(Map<String, String> secretsByProject) {
    Map<String, List<String>> all = new HashMap<>();
    secretsByProject.forEach((project, secret) -> all.put(project, List.of(secret)));
    return ofRotating(all);
  }

  /**
   * Each project's secrets, newest first.
   *
   * @throws IllegalArgumentException naming the project (never the secret) of a bad entry
   */
  public static WebhookSecrets ofRotating(Map<String, List<String>> secretsByProject) {
    Map<String, List<byte[]>> keys = new HashMap<>();
    secretsByProject.forEach(
        (project, secrets) -> {
          String problem = problem(secrets);
          if (problem != null) {
            throw new IllegalArgumentException(
                "the secrets of project " + project + ": " + problem);
          }
          keys.put(project, secrets.stream().map(WebhookSecrets::decode).toList());
        });
    return new WebhookSecrets(Map.copyOf(keys));
  }

  /** What is wrong with one project's list of secrets, or null; never contains a secret. */
  static String problem(List<String> secrets) {
    if (secrets.isEmpty()) {
      return "none given";
    }
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < secrets.size(); i++) {
      String problem = problem(secrets.get(i));
      if (problem != null) {
        problems.add(secrets.size() == 1 ? problem : "secret " + (i + 1) + " " + problem);
      }
    }
    if (problems.isEmpty() && secrets.stream().distinct().count() < secrets.size()) {
      // a copy-paste slip during a rotation: the new secret was meant to differ
      problems.add("the same secret is listed twice");
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
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

  /** The project's keys, newest first; empty when its webhooks go unsigned. */
  List<byte[]> keysFor(String project) {
    return keys.getOrDefault(project, List.of());
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  @Override
  public String toString() {
    return "WebhookSecrets" + new TreeSet<>(keys.keySet());
  }
}
