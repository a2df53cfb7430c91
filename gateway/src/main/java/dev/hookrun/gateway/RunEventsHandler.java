package dev.hookrun.gateway;

import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;
import dev.hookrun.common.run.RunStatus;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v3/{project}/{app}/runs/{run_id}/events}: the run's state as Server-Sent Events. The
 * current state at once as an event named {@code status} (the same JSON as the status route), then
 * one at every change (running, each progress report, the final state); the stream ends after the
 * final state. A stream also ends when its run leaves this gateway's view (past RUN_RETENTION, or
 * evicted by RUN_VIEW_MAX_ENTRIES), with an event named {@code gone}: nothing would ever follow.
 * One API key may hold at most SSE_MAX_PER_KEY streams on a gateway; past it 429 {@code
 * too_many_streams}.
 *
 * <p>Event ids are derived from the run's facts, not from this gateway: {@code <stage>.<progress
 * number>} with stage 0 queued, 1 running, 2 final. Any gateway therefore gives the same id to the
 * same state, and a client reconnecting with {@code Last-Event-ID} — to this gateway or another —
 * gets only what is newer.
 */
final class RunEventsHandler implements Handler<RoutingContext> {

  /** Comments this often keep proxies from cutting a quiet stream. */
  static final long KEEP_ALIVE_MS = 15_000;

  private final RunLookup lookup;
  private final Vertx vertx;
  private final ResultLinks links;
  private final StreamSlots slots;

  RunEventsHandler(RunLookup lookup, Vertx vertx, ResultLinks links, StreamSlots slots) {
    this.lookup = lookup;
    this.vertx = vertx;
    this.links = links;
    this.slots = slots;
  }

  @Override
  public void handle(RoutingContext ctx) {
    RunState state = lookup.find(ctx);
    if (state == null) {
      return;
    }
    String keyId = lookup.keyId(ctx);
    if (!slots.take(keyId)) {
      ApiError.of(
              ErrorCode.TOO_MANY_STREAMS,
              "This API key already has "
                  + slots.maxPerKey()
                  + " event streams open on this gateway (SSE_MAX_PER_KEY); close one first.")
          .send(ctx);
      return;
    }
    // the slot is given back when the response ends or the connection goes, whichever is first
    boolean[] released = {false};
    Runnable release =
        () -> {
          if (!released[0]) {
            released[0] = true;
            slots.release(keyId);
          }
        };
    ctx.addEndHandler(done -> release.run());
    HttpServerResponse response = ctx.response();
    response
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    new Stream(ctx, EventId.parse(ctx.request().getHeader("Last-Event-ID"))).start(state);
  }

  /** One client's stream. */
  private final class Stream {

    private final RoutingContext ctx;
    private final HttpServerResponse response;
    private EventId sent;
    private Runnable unwatch = () -> {};
    private long keepAlive = -1;
    private boolean ended;
    private String runId;

    Stream(RoutingContext ctx, EventId resumeAfter) {
      this.ctx = ctx;
      this.response = ctx.response();
      this.sent = resumeAfter;
    }

    void start(RunState state) {
      runId = state.runId();
      response.closeHandler(v -> stop());
      send(state);
      if (ended) {
        return;
      }
      unwatch = lookup.view().watch(state.runId(), this::send, this::gone);
      keepAlive = vertx.setPeriodic(KEEP_ALIVE_MS, t -> response.write(": keep-alive\n\n"));
      if (sent == null) {
        response.write(": waiting\n\n"); // answer the headers now, even when there is nothing newer
      }
    }

    private void send(RunState state) {
      if (ended) {
        return;
      }
      boolean done = state.isSettled();
      if (state.status().isFinal() && !done) {
        return; // a delivery seen before the outcome it delivers: the outcome comes next
      }
      RunStateView.Progress progress = lookup.progress(state.runId());
      EventId id = EventId.of(state, progress);
      if (sent == null || id.isAfter(sent)) {
        sent = id;
        response.write(
            "event: status\nid: "
                + id
                + "\ndata: "
                + links.status(state, lookup.view(), ctx.request()).encode()
                + "\n\n");
      }
      if (done) {
        stop();
        response.end();
      }
    }

    /** The run left the view: say so and end, as no change of it will reach this stream. */
    private void gone() {
      if (ended) {
        return;
      }
      stop();
      response.end("event: gone\ndata: " + new JsonObject().put("run_id", runId).encode() + "\n\n");
    }

    private void stop() {
      ended = true;
      unwatch.run();
      vertx.cancelTimer(keepAlive);
    }
  }

  /** {@code <stage>.<progress number>}: ordered the way a run moves forward. */
  record EventId(int stage, long progressSeq) {

    static EventId of(RunState state, RunStateView.Progress progress) {
      int stage = state.status().isFinal() ? 2 : state.status() == RunStatus.RUNNING ? 1 : 0;
      return new EventId(stage, progress == null ? 0 : progress.seq());
    }

    /** The id a client last saw, or null when it sent none (or one we did not write). */
    static EventId parse(String header) {
      if (header == null) {
        return null;
      }
      String[] parts = header.trim().split("\\.", 2);
      try {
        return parts.length == 2
            ? new EventId(Integer.parseInt(parts[0]), Long.parseLong(parts[1]))
            : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }

    boolean isAfter(EventId other) {
      return stage > other.stage || (stage == other.stage && progressSeq > other.progressSeq);
    }

    @Override
    public String toString() {
      return stage + "." + progressSeq;
    }
  }
}
