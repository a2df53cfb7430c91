package dev.hookrun.gateway;

import io.vertx.core.json.Json;

/**
 * A JSON value kept as its text, decoded again when read. A gateway holds up to
 * RUN_VIEW_MAX_ENTRIES finished runs for status reads, which are rare next to the runs written; as
 * text a small result takes about a fifth of the memory of its decoded maps, and the collector
 * marks every byte of that view on each cycle (docs/PERFORMANCE.md).
 */
public record EncodedJson(String text) {

  /** A fresh decoded copy (a {@code JsonObject}, {@code JsonArray}, string, number, ...). */
  public Object decode() {
    return Json.decodeValue(text);
  }
}
