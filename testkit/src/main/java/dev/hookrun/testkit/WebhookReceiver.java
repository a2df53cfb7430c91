package dev.hookrun.testkit;

import dev.hookrun.receiver.WebhookServer;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

/** A real HTTP webhook receiver on loopback that records every delivery, for assertions. */
public final class WebhookReceiver implements AutoCloseable {

  public record Delivery(JsonObject body, MultiMap headers) {}

  private final WebhookServer server;
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private volatile IntSupplier status = () -> 200;

  public WebhookReceiver(Vertx vertx) {
    server =
        WebhookServer.listen(
                vertx,
                0,
                (req, body) -> {
                  deliveries.add(new Delivery(new JsonObject(body), req.headers()));
                  req.response().setStatusCode(status.getAsInt()).end();
                })
            .await();
  }

  public String url() {
    return server.url("/hook");
  }

  public void answerWith(IntSupplier status) {
    this.status = status;
  }

  public List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }

  public List<Delivery> deliveriesFor(String runId) {
    return deliveries.stream().filter(d -> runId.equals(d.body().getString("run_id"))).toList();
  }

  @Override
  public void close() {
    server.close().await();
  }
}
