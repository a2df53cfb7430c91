package dev.hookrun.testkit;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

/** A real HTTP webhook receiver on loopback that records every delivery. */
public final class WebhookReceiver implements AutoCloseable {

  public record Delivery(JsonObject body, MultiMap headers) {}

  private final HttpServer server;
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private volatile IntSupplier status = () -> 200;

  public WebhookReceiver(Vertx vertx) {
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              deliveries.add(new Delivery(new JsonObject(body), req.headers()));
                              req.response().setStatusCode(status.getAsInt()).end();
                            }))
            .listen(0, "127.0.0.1")
            .await();
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hook";
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
