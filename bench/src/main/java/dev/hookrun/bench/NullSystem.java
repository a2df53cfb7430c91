package dev.hookrun.bench;

import dev.hookrun.receiver.WebhookServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Instant;
import java.util.UUID;

/**
 * The "null system": answers every predict with 202 and posts the webhook back at once. Run against
 * it, the load driver measures its own ceiling (HTTP client, receiver, bookkeeping), so the
 * platform's figures can be read as a fraction of what the harness can see at all.
 */
public final class NullSystem {

  private NullSystem() {}

  public static void main(String[] args) {
    int port = Integer.parseInt(args.length > 0 ? args[0] : "18080");
    Vertx vertx = Vertx.vertx();
    WebClient client =
        WebClient.create(
            vertx,
            new WebClientOptions().setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(64));
    WebhookServer.listen(
            vertx,
            port,
            (req, body) -> {
              JsonObject request = body.toJsonObject();
              String runId = UUID.randomUUID().toString();
              req.response()
                  .setStatusCode(202)
                  .putHeader("Content-Type", "application/json")
                  .end(new JsonObject().put("run_id", runId).put("status", "queued").encode());
              String hook = request.getString("webhook_endpoint");
              if (hook != null) {
                String now = Instant.now().toString();
                JsonObject webhook =
                    new JsonObject()
                        .put("run_id", runId)
                        .put("status", "succeeded")
                        .put(
                            "result",
                            new JsonObject().put("delayMins", request.getValue("delayMins")))
                        .put("created_at", now)
                        .put("completed_at", now);
                client
                    .requestAbs(HttpMethod.POST, hook)
                    .putHeader("webhook-id", "msg_" + runId)
                    .sendJsonObject(webhook);
              }
            })
        .await();
    System.out.println("null system listening on 127.0.0.1:" + port);
  }
}
