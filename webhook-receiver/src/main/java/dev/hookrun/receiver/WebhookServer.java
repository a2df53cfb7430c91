package dev.hookrun.receiver;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.BiConsumer;

/**
 * An HTTP server on loopback that receives webhooks: it reads each request's body whole and hands
 * request and body to one handler, which counts or records what it needs and answers. Loopback
 * only, because the platform's webhooks to a receiver on this machine are the only traffic it is
 * for.
 */
public final class WebhookServer {

  public static final String HOST = "127.0.0.1";

  private final HttpServer server;

  private WebhookServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Listens on {@code port} of 127.0.0.1 (0: a free one).
   *
   * @param onWebhook runs on the server's event loop with the request, to answer, and its body
   */
  public static Future<WebhookServer> listen(
      Vertx vertx, int port, BiConsumer<HttpServerRequest, Buffer> onWebhook) {
    return vertx
        .createHttpServer()
        .requestHandler(req -> req.body().onSuccess(body -> onWebhook.accept(req, body)))
        .listen(port, HOST)
        .map(WebhookServer::new);
  }

  public int port() {
    return server.actualPort();
  }

  /** The address of {@code path} (starting with a slash) on this server. */
  public String url(String path) {
    return "http://" + HOST + ":" + port() + path;
  }

  public Future<Void> close() {
    return server.close();
  }
}
