package dev.hookrun.gateway;

import dev.hookrun.common.config.Env;
import dev.hookrun.common.config.Setting;
import dev.hookrun.common.crypto.PerThread;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Maps API keys to projects. Only SHA-256 digests of the keys are kept, so a heap dump or a log of
 * this object never shows a key, and lookups do not compare secrets byte by byte.
 */
public final class ApiKeys {

  private final Map<String, String> projectByDigest;

  private ApiKeys(Map<String, String> projectByDigest) {
    this.projectByDigest = Map.copyOf(projectByDigest);
  }

  public static ApiKeys of(Map<String, String> projectByKey) {
    Map<String, String> digests = new HashMap<>();
    projectByKey.forEach((key, project) -> digests.put(digest(key), project));
    return new ApiKeys(digests);
  }

  static ApiKeys parse(Env env, Setting setting) {
    return of(
        env.pairs(
            setting,
            project ->
                project.matches("[A-Za-z0-9._-]{1,128}")
                    ? null
                    : "a project name may only hold letters, digits, '.', '_' and '-'"));
  }

  /** The project of the key in an {@code Authorization} header (bare key or {@code Bearer key}). */
  public Optional<String> projectOf(String authorizationHeader) {
    if (authorizationHeader == null) {
      return Optional.empty();
    }
    String key = authorizationHeader.trim();
    if (key.regionMatches(true, 0, "Bearer ", 0, 7)) {
      key = key.substring(7).trim();
    }
    if (key.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(projectByDigest.get(digest(key)));
  }

  /**
   * Which configured key an {@code Authorization} header carries, as a name that is not the key
   * (its digest), or empty for an unknown key: for per-key limits.
   */
  public Optional<String> idOf(String authorizationHeader) {
    if (authorizationHeader == null) {
      return Optional.empty();
    }
    String key = authorizationHeader.trim();
    if (key.regionMatches(true, 0, "Bearer ", 0, 7)) {
      key = key.substring(7).trim();
    }
    String id = digest(key);
    return projectByDigest.containsKey(id) ? Optional.of(id) : Optional.empty();
  }

  /** The projects some key belongs to. */
  public Set<String> projects() {
    return Set.copyOf(projectByDigest.values());
  }

  public boolean isEmpty() {
    return projectByDigest.isEmpty();
  }

  @Override
  public String toString() {
    return "ApiKeys[" + projectByDigest.size() + " keys]";
  }

  private static String digest(String key) {
    return HexFormat.of().formatHex(SHA256.get().digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  private static final ThreadLocal<MessageDigest> SHA256 = PerThread.digest("SHA-256");
}
