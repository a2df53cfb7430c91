package dev.hookrun.common.run;

import io.vertx.core.json.JsonObject;

/**
 * A result too large to travel inline: where the worker put its JSON in the result store, how many
 * bytes it is and their SHA-256. It travels in the outcome instead of the result; a signed URL for
 * it is made only when someone is given it (status, sync answer, webhook), so its time to live
 * starts then and no secret is ever written to Kafka.
 *
 * @param key the object's name in the store (not a URL: gateways and dispatchers sign it)
 * @param bytes size of the stored JSON
 * @param sha256 lowercase hex SHA-256 of the stored bytes
 */
public record StoredResult(String key, long bytes, String sha256) {

  public JsonObject toJson() {
    return new JsonObject().put("key", key).put("bytes", bytes).put("sha256", sha256);
  }

  public static StoredResult fromJson(JsonObject json) {
    return json == null
        ? null
        : new StoredResult(
            Json.required(json, "key"), json.getLong("bytes", 0L), Json.required(json, "sha256"));
  }

  /** The fields a client sees in place of the result (the URL comes from whoever presents it). */
  public JsonObject putDescription(JsonObject json) {
    return json.put("result", null).put("result_bytes", bytes).put("result_sha256", sha256);
  }
}
