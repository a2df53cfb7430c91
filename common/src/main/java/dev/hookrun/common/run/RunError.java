package dev.hookrun.common.run;

import io.vertx.core.json.JsonObject;

/** Why a run did not succeed, as the user sees it: a stable code and a sentence. */
public record RunError(String code, String message) {

  public JsonObject toJson() {
    return new JsonObject().put("code", code).put("message", message);
  }

  public static RunError fromJson(JsonObject json) {
    return json == null ? null : new RunError(json.getString("code"), json.getString("message"));
  }
}
