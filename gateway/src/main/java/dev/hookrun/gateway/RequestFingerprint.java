package dev.hookrun.gateway;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A short digest of what a client sent with an Idempotency-Key, so that a repeat of the key with
 * another body is told apart from a true repeat. Objects are taken with their keys sorted: the same
 * fields in another order are the same request.
 */
final class RequestFingerprint {

  private RequestFingerprint() {}

  /** 22 characters (128 bits of SHA-256, base64url). */
  static String of(Object json) {
    StringBuilder canonical = new StringBuilder();
    append(canonical, json);
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    byte[] digest = sha.digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
    byte[] half = new byte[16];
    System.arraycopy(digest, 0, half, 0, half.length);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(half);
  }

  private static void append(StringBuilder out, Object value) {
    if (value instanceof JsonObject object) {
      appendObject(out, object.getMap());
    } else if (value instanceof Map<?, ?> map) {
      appendObject(out, map);
    } else if (value instanceof JsonArray array) {
      appendArray(out, array.getList());
    } else if (value instanceof Collection<?> list) {
      appendArray(out, list);
    } else {
      out.append(Json.encode(value));
    }
  }

  private static void appendObject(StringBuilder out, Map<?, ?> map) {
    List<String> keys = new ArrayList<>();
    map.keySet().forEach(key -> keys.add(String.valueOf(key)));
    keys.sort(null);
    out.append('{');
    for (int i = 0; i < keys.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(Json.encode(keys.get(i))).append(':');
      append(out, map.get(keys.get(i)));
    }
    out.append('}');
  }

  private static void appendArray(StringBuilder out, Collection<?> list) {
    out.append('[');
    boolean first = true;
    for (Object item : list) {
      if (!first) {
        out.append(',');
      }
      first = false;
      append(out, item);
    }
    out.append(']');
  }
}
