package dev.hookrun.local;

import static dev.hookrun.local.TestStack.PROJECT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Progress reported by a model shows in the status and the live event stream of any gateway. */
class RunEventsStreamTest {

  private static final String APP = "/v3/" + PROJECT + "/webhook-delay-example";
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private final TestStack stack = new TestStack();

  @AfterEach
  void tearDown() {
    stack.close();
  }

  /** One Server-Sent Event as the client saw it. */
  record Event(String name, String id, JsonObject data) {}

  /** Opens the stream and collects its events until the server ends it. */
  private static CompletableFuture<List<Event>> stream(
      int port, String runId, String lastEventId, List<Event> seen) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + APP + "/runs/" + runId + "/events"))
            .header("Authorization", TestStack.KEY)
            .header("Accept", "text/event-stream")
            .GET();
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    return CLIENT
        .sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
        .thenApply(
            response -> {
              assertEquals(200, response.statusCode());
              assertEquals(
                  "text/event-stream", response.headers().firstValue("Content-Type").orElse(""));
              String name = null;
              String id = null;
              for (String line : (Iterable<String>) response.body()::iterator) {
                if (line.startsWith("event: ")) {
                  name = line.substring(7);
                } else if (line.startsWith("id: ")) {
                  id = line.substring(4);
                } else if (line.startsWith("data: ")) {
                  seen.add(new Event(name, id, new JsonObject(line.substring(6))));
                }
              }
              return seen;
            });
  }

  @Test
  void aSecondGatewayStreamsEveryChangeOfARunStartedOnTheFirstAndLastEventIdResumes() {
    var first = stack.gateway();
    var second = stack.gateway();
    stack.worker("w1", stack.workerConfig("w1").withProgressMinInterval(Duration.ofMillis(200)));
    var accepted =
        first
            .http()
            .post(
                APP + "/predict?async=true",
                "{\"delayMins\": 0.05, \"progressEverySeconds\": 0.5}");
    assertEquals(202, accepted.status(), () -> "answered " + accepted.json());
    String runId = accepted.json().getString("run_id");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> second.http().get(APP + "/runs/" + runId).status() == 200);

    List<Event> events = new CopyOnWriteArrayList<>();
    stream(second.verticle().actualPort(), runId, null, events)
        .orTimeout(30, java.util.concurrent.TimeUnit.SECONDS)
        .join();

    assertTrue(events.size() >= 4, () -> "queued/running, progress reports and the end: " + events);
    Event last = events.get(events.size() - 1);
    assertEquals(
        "succeeded", last.data().getString("status"), "the stream ends with the final state");
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      assertEquals("status", e.name());
      assertNotNull(e.id());
      if (i > 0) {
        assertTrue(compare(e.id(), events.get(i - 1).id()) > 0, () -> "ids only grow: " + events);
      }
      Long seq = e.data().getLong("progress_seq");
      if (seq != null && e.data().getString("status").equals("running")) {
        seqs.add(seq);
        assertNotNull(e.data().getJsonObject("progress").getInteger("percent"));
      }
    }
    assertTrue(seqs.size() >= 3, () -> "each progress report is an event: " + events);

    JsonObject status = second.http().get(APP + "/runs/" + runId).json();
    assertEquals(seqs.get(seqs.size() - 1), status.getLong("progress_seq"), () -> status.encode());
    assertNotNull(status.getString("progress_updated_at"));

    // a client that saw the second event reconnects (to the other gateway) and gets only newer ones
    List<Event> resumed = new CopyOnWriteArrayList<>();
    String seenId = events.get(1).id();
    stream(first.verticle().actualPort(), runId, seenId, resumed)
        .orTimeout(30, java.util.concurrent.TimeUnit.SECONDS)
        .join();
    assertTrue(!resumed.isEmpty(), "the newer states");
    for (int i = 0; i < resumed.size(); i++) {
      String previous = i == 0 ? seenId : resumed.get(i - 1).id();
      assertTrue(
          compare(resumed.get(i).id(), previous) > 0,
          () -> "only states newer than " + seenId + ": " + resumed);
    }
    assertEquals(
        last.id(), resumed.get(resumed.size() - 1).id(), "and it ends with the final state");
    List<Event> none = new CopyOnWriteArrayList<>();
    stream(first.verticle().actualPort(), runId, last.id(), none)
        .orTimeout(30, java.util.concurrent.TimeUnit.SECONDS)
        .join();
    assertEquals(List.of(), none, "nothing is repeated after the final event");
  }

  @Test
  void aRunWithProgressSendsStartProgressAndCompletedWebhooksInOrder() {
    var gateway = stack.gateway();
    stack.worker("w1", stack.workerConfig("w1").withProgressMinInterval(Duration.ofMillis(200)));
    stack.dispatcher();
    var receiverProcess = io.vertx.core.Vertx.vertx();
    try {
      var receiver = new dev.hookrun.testkit.WebhookReceiver(receiverProcess);
      var accepted =
          gateway
              .http()
              .post(
                  APP + "/predict",
                  "{\"delayMins\": 0.05, \"progressEverySeconds\": 0.5, "
                      + "\"webhook_endpoint\": \""
                      + receiver.url()
                      + "\", \"webhook_events_filter\": [\"start\", \"progress\", \"completed\"]}");
      assertEquals(202, accepted.status(), () -> accepted.json().encode());
      String runId = accepted.json().getString("run_id");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  receiver.deliveriesFor(runId).stream()
                      .anyMatch(d -> "completed".equals(d.body().getString("event"))));
      var events =
          receiver.deliveriesFor(runId).stream().map(d -> d.body().getString("event")).toList();
      assertEquals("start", events.get(0), events::toString);
      assertEquals("completed", events.get(events.size() - 1), events::toString);
      var seqs =
          receiver.deliveriesFor(runId).stream()
              .filter(d -> "progress".equals(d.body().getString("event")))
              .map(d -> d.body().getLong("progress_seq"))
              .toList();
      assertTrue(seqs.size() >= 2, () -> "progress events: " + events);
      for (int i = 1; i < seqs.size(); i++) {
        assertTrue(seqs.get(i) > seqs.get(i - 1), () -> "in order: " + seqs);
      }
      assertEquals(
          "succeeded",
          receiver.deliveriesFor(runId).get(events.size() - 1).body().getString("status"));
    } finally {
      receiverProcess.close().await();
    }
  }

  @Test
  void theStreamOfAnotherProjectsRunIs404() {
    var gateway = stack.gateway();
    stack.worker("w1");
    String runId =
        gateway
            .http()
            .post(APP + "/predict?async=true", "{\"delayMins\": 0}")
            .json()
            .getString("run_id");
    var other =
        new dev.hookrun.testkit.TestHttp(gateway.verticle().actualPort(), TestStack.OTHER_KEY);
    assertEquals(
        404,
        other
            .get(
                "/v3/"
                    + TestStack.OTHER_PROJECT
                    + "/webhook-delay-example/runs/"
                    + runId
                    + "/events")
            .status());
  }

  private static int compare(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    int c = Integer.compare(Integer.parseInt(x[0]), Integer.parseInt(y[0]));
    return c != 0 ? c : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
  }
}
