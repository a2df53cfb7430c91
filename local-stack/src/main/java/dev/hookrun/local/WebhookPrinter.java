package dev.hookrun.local;

import dev.hookrun.receiver.WebhookServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.LocalTime;

/**
 * {@code ./run.sh receiver [port]}: a webhook receiver that prints what it gets and answers 200.
 */
public final class WebhookPrinter {

  private WebhookPrinter() {}

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 9000;
    Vertx vertx = Vertx.vertx();
    WebhookServer.listen(
            vertx,
            port,
            (req, body) -> {
              String text = body.toString();
              try {
                text = new JsonObject(body).encodePrettily();
              } catch (RuntimeException notJson) {
                // print as received
              }
              System.out.println(LocalTime.now() + " " + req.method() + " " + req.uri());
              req.headers()
                  .forEach(
                      h -> {
                        if (h.getKey().toLowerCase().startsWith("webhook-")) {
                          System.out.println("  " + h.getKey() + ": " + h.getValue());
                        }
                      });
              System.out.println(text);
              req.response().setStatusCode(200).end();
            })
        .onSuccess(
            s ->
                System.out.println(
                    "webhook receiver listening on http://localhost:" + s.port() + "/hook"))
        .onFailure(
            e -> {
              System.err.println("cannot listen on " + port + ": " + e.getMessage());
              System.exit(1);
            });
  }
}
