package dev.hookrun.gateway;

import java.util.Locale;

/**
 * Reads a Content-Type header as a media type (RFC 9110: type/subtype, then optional parameters).
 */
final class MediaType {

  private MediaType() {}

  /**
   * Whether the header names {@code application/json}, in any case, with or without parameters such
   * as {@code ; charset=utf-8}. A prefix test would also take {@code application/jsonx}.
   */
  static boolean isJson(String contentType) {
    return is(contentType, "application/json");
  }

  /** Newline-delimited JSON, one object a line (a batch's inputs). */
  static boolean isNdjson(String contentType) {
    return is(contentType, "application/x-ndjson");
  }

  private static boolean is(String contentType, String type) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String essence = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
    return essence.toLowerCase(Locale.ROOT).equals(type);
  }
}
