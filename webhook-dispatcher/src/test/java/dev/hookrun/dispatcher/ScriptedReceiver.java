package dev.hookrun.dispatcher;

import dev.hookrun.receiver.WebhookServer;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A webhook receiver on 127.0.0.1 whose answers a test scripts per attempt, and which keeps the raw
 * body (for signature checks), the headers and the arrival time of every request.
 */
final class ScriptedReceiver implements AutoCloseable {

  record Reply(int status, Map<String, String> headers) {
    static Reply of(int status) {
      return new Reply(status, Map.of());
    }
  }

  record Request(
      String runId, int attempt, String rawBody, MultiMap headers, String uri, long atMillis) {
    JsonObject json() {
      return new JsonObject(rawBody);
    }
  }

  private final WebhookServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> attemptsByRun = new ConcurrentHashMap<>();
  private volatile BiFunction<String, Integer, Reply> script = (run, attempt) -> Reply.of(200);
  private volatile java.util.function.Function<JsonObject, Reply> bodyScript;

  ScriptedReceiver(Vertx vertx) {
    this(vertx, 0);
  }

  ScriptedReceiver(Vertx vertx, int port) {
    server =
        WebhookServer.listen(
                vertx,
                port,
                (req, body) -> {
                  String raw = body.toString();
                  String runId = new JsonObject(raw).getString("run_id");
                  int attempt =
                      attemptsByRun
                          .computeIfAbsent(runId, r -> new AtomicInteger())
                          .incrementAndGet();
                  Reply reply =
                      bodyScript != null
                          ? bodyScript.apply(new JsonObject(raw))
                          : script.apply(runId, attempt);
                  requests.add(
                      new Request(
                          runId,
                          attempt,
                          raw,
                          MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
                          req.uri(),
                          System.currentTimeMillis()));
                  var response = req.response().setStatusCode(reply.status());
                  reply.headers().forEach(response::putHeader);
                  response.end();
                })
            .await();
  }

  /** Answers each request by its body (e.g. by its {@code event}), instead of by attempt. */
  ScriptedReceiver answerByBody(java.util.function.Function<JsonObject, Reply> bodyScript) {
    this.bodyScript = bodyScript;
    return this;
  }

  /** {@code script.apply(runId, attempt)} answers the attempt-th request (from 1) of a run. */
  ScriptedReceiver answer(BiFunction<String, Integer, Reply> script) {
    this.script = script;
    return this;
  }

  int port() {
    return server.port();
  }

  String url() {
    return server.url("/hook");
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  List<Request> requestsFor(String runId) {
    return requests.stream().filter(r -> runId.equals(r.runId())).toList();
  }

  @Override
  public void close() {
    server.close().await();
  }
}
