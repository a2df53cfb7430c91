package dev.hookrun.testkit;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain blocking HTTP client for driving the gateway from a test thread. */
public final class TestHttp {

  public record Response(int status, JsonObject json) {}

  private static final HttpClient CLIENT =
      // HTTP/1.1 as the platform's clients speak it: no h2c upgrade on plain connections
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final String base;
  private final String apiKey;

  public TestHttp(int port, String apiKey) {
    this.base = "http://127.0.0.1:" + port;
    this.apiKey = apiKey;
  }

  public Response post(String path, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .header("Authorization", apiKey)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** A JSON POST with this client's key and {@code headers} besides. */
  public Response post(String path, String body, java.util.Map<String, String> headers) {
    return send(withKeyAndJson(path, body, headers));
  }

  /** Like {@link #post(String, String, java.util.Map)} but returns the raw response. */
  public HttpResponse<String> postRaw(
      String path, String body, java.util.Map<String, String> headers) {
    return sendRaw(withKeyAndJson(path, body, headers));
  }

  private HttpRequest.Builder withKeyAndJson(
      String path, String body, java.util.Map<String, String> headers) {
    HttpRequest.Builder builder =
        request("POST", path, headers, body)
            .header("Content-Type", "application/json")
            .header("Authorization", apiKey);
    return builder;
  }

  /** Any request, with exactly the headers given (no key, no content type added). */
  public Response send(
      String method, String path, java.util.Map<String, String> headers, String body) {
    return send(request(method, path, headers, body));
  }

  /** Like {@link #send} but returns the raw response, headers included. */
  public HttpResponse<String> sendRaw(
      String method, String path, java.util.Map<String, String> headers, String body) {
    return sendRaw(request(method, path, headers, body));
  }

  private static HttpResponse<String> sendRaw(HttpRequest.Builder builder) {
    try {
      return CLIENT.send(
          builder.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpRequest.Builder request(
      String method, String path, java.util.Map<String, String> headers, String body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(builder::header);
    return builder;
  }

  public Response get(String path) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", apiKey).GET());
  }

  private static Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          CLIENT.send(
              request.timeout(Duration.ofSeconds(60)).build(),
              HttpResponse.BodyHandlers.ofString());
      String body = response.body();
      JsonObject json = null;
      if (!body.isEmpty()) {
        try {
          json = new JsonObject(body);
        } catch (RuntimeException notJson) {
          json = new JsonObject().put("non_json_body", body);
        }
      }
      return new Response(response.statusCode(), json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
