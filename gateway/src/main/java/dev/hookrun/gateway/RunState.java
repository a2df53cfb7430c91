package dev.hookrun.gateway;

import dev.hookrun.common.run.DeliveryState;
import dev.hookrun.common.run.Priority;
import dev.hookrun.common.run.RunError;
import dev.hookrun.common.run.RunRequest;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunStarted;
import dev.hookrun.common.run.RunStatus;
import dev.hookrun.common.run.StoredResult;
import dev.hookrun.common.run.WebhookState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * What a gateway knows of one run, folded from the facts each stage writes once: the accepted
 * request (queued), the worker's {@code running} record and outcome, the dispatcher's delivery
 * states and a gateway's cancel command. It is never itself written to Kafka.
 *
 * <p>The merge rules ({@link RunStateMerge}) and the JSON form ({@link RunStateJson}) live in their
 * own classes. Still over 300 lines for a reason: each factory names the stage's fact it stands
 * for, and with sixteen components every state it makes is a long constructor call.
 *
 * @param result the model's JSON output, or a {@link StoredResult} when it was too large to travel
 *     inline (readers show its description and a signed URL instead)
 * @param source which stage's fact decided the status: {@code gateway}, {@code worker} or {@code
 *     dispatcher} (a delivery seen before the outcome it delivers)
 * @param priority the priority the run was queued with, from its request; null when this state
 *     comes from a fact that does not carry it (a worker's or a dispatcher's record), which {@link
 *     #merge} fills in from the request
 * @param scheduledFor the start time the request was given, or null (queued at once); like the
 *     priority, only the request carries it
 */
public record RunState(
    String runId,
    String project,
    String app,
    RunStatus status,
    Instant createdAt,
    Instant startedAt,
    Instant completedAt,
    Long runTimeMs,
    String workerId,
    Object result,
    RunError error,
    WebhookState webhook,
    String source,
    Instant updatedAt,
    Priority priority,
    Instant scheduledFor) {

  /** The state an accepted request stands for: {@code scheduled} while its time lies ahead. */
  public static RunState queued(RunRequest request, Instant now) {
    return queued(
            request.runId(),
            request.project(),
            request.app(),
            request.createdAt(),
            request.webhookEndpoint(),
            request.priority(),
            request.scheduledFor(),
            now)
        .withWebhook(initialWebhook(request.webhookEndpoint()), "gateway", now);
  }

  /**
   * The state an accepted request stands for, from its identity alone: {@code scheduled} while
   * {@code scheduledFor} is after {@code now}, else {@code queued}.
   */
  public static RunState queued(
      String runId,
      String project,
      String app,
      Instant createdAt,
      String webhookEndpoint,
      Priority priority,
      Instant scheduledFor,
      Instant now) {
    RunState queued = queued(runId, project, app, createdAt, webhookEndpoint, priority);
    if (scheduledFor == null) {
      return queued;
    }
    return new RunState(
        runId,
        project,
        app,
        scheduledFor.isAfter(now) ? RunStatus.SCHEDULED : RunStatus.QUEUED,
        createdAt,
        null,
        null,
        null,
        null,
        null,
        null,
        queued.webhook,
        "gateway",
        createdAt,
        priority,
        scheduledFor);
  }

  /** A scheduled run whose time came: queued, as a scheduler has it now. */
  public RunState due(Instant now) {
    return new RunState(
        runId,
        project,
        app,
        RunStatus.QUEUED,
        createdAt,
        startedAt,
        completedAt,
        runTimeMs,
        workerId,
        result,
        error,
        webhook,
        source,
        now,
        priority,
        scheduledFor);
  }

  /**
   * The state an accepted request of {@link Priority#NORMAL} stands for, from its identity alone.
   */
  public static RunState queued(
      String runId, String project, String app, Instant createdAt, String webhookEndpoint) {
    return queued(runId, project, app, createdAt, webhookEndpoint, Priority.NORMAL);
  }

  /** The state an accepted request stands for, from its identity alone. */
  public static RunState queued(
      String runId,
      String project,
      String app,
      Instant createdAt,
      String webhookEndpoint,
      Priority priority) {
    return new RunState(
        runId,
        project,
        app,
        RunStatus.QUEUED,
        createdAt,
        null,
        null,
        null,
        null,
        null,
        null,
        initialWebhook(webhookEndpoint),
        "gateway",
        createdAt,
        priority,
        null);
  }

  public static RunState running(RunStarted started) {
    return new RunState(
        started.runId(),
        started.project(),
        started.app(),
        RunStatus.RUNNING,
        started.createdAt(),
        started.startedAt(),
        null,
        null,
        started.workerId(),
        null,
        null,
        initialWebhook(started.webhookEndpoint()),
        "worker",
        started.startedAt(),
        null,
        null);
  }

  /**
   * A delivery seen before the outcome it delivers (they travel on different topics): the final
   * status without the result, which the outcome brings when it arrives.
   */
  public static RunState delivering(DeliveryState delivery) {
    return new RunState(
        delivery.runId(),
        delivery.project(),
        delivery.app(),
        delivery.status(),
        delivery.createdAt(),
        null,
        null,
        null,
        null,
        null,
        null,
        delivery.webhook(),
        "dispatcher",
        delivery.updatedAt(),
        null,
        null);
  }

  /**
   * Whether this state carries the run's real outcome (a waiting caller may be answered with it).
   */
  public boolean isSettled() {
    return status.isFinal() && !"dispatcher".equals(source);
  }

  /** A final state from the worker that produced {@code result}. */
  public static RunState finished(RunResult result, Instant now) {
    return new RunState(
        result.runId(),
        result.project(),
        result.app(),
        result.status(),
        result.createdAt(),
        result.startedAt(),
        result.completedAt(),
        result.runTimeMs(),
        result.workerId(),
        result.stored() != null ? result.stored() : result.result(),
        result.error(),
        initialWebhook(result.webhookEndpoint()),
        "worker",
        now,
        null,
        null);
  }

  /** A final state decided by a gateway (a cancel of a run no worker had started). */
  public static RunState cancelledByGateway(RunState queued, Instant now) {
    return new RunState(
        queued.runId,
        queued.project,
        queued.app,
        RunStatus.CANCELLED,
        queued.createdAt,
        null,
        now,
        0L,
        null,
        null,
        null,
        queued.webhook,
        "gateway",
        now,
        queued.priority,
        queued.scheduledFor);
  }

  public RunState withWebhook(WebhookState state, String bySource, Instant now) {
    return new RunState(
        runId,
        project,
        app,
        status,
        createdAt,
        startedAt,
        completedAt,
        runTimeMs,
        workerId,
        result,
        error,
        state,
        bySource,
        now,
        priority,
        scheduledFor);
  }

  private static WebhookState initialWebhook(String endpoint) {
    return endpoint == null ? WebhookState.none() : WebhookState.pending(endpoint);
  }

  /**
   * The same state for a long-lived view: repeated strings shared through {@code strings}, and a
   * JSON object or array result kept as its text ({@link EncodedJson}; {@link #result()} decodes it
   * again). About half the memory per finished run.
   */
  public RunState compacted(Interner strings) {
    Object kept = result;
    if (result instanceof JsonObject object) {
      kept = new EncodedJson(object.encode());
    } else if (result instanceof JsonArray array) {
      kept = new EncodedJson(array.encode());
    }
    WebhookState hook =
        webhook == null
            ? null
            : new WebhookState(
                strings.intern(webhook.endpoint()),
                strings.intern(webhook.status()),
                webhook.attempts(),
                webhook.lastStatusCode(),
                webhook.nextAttemptAt(),
                webhook.lastError(),
                webhook.latencyMs());
    return new RunState(
        runId,
        strings.intern(project),
        strings.intern(app),
        status,
        createdAt,
        startedAt,
        completedAt,
        runTimeMs,
        strings.intern(workerId),
        kept,
        error,
        hook,
        strings.intern(source),
        updatedAt,
        priority,
        scheduledFor);
  }

  /**
   * The model's output (decoded afresh when this state keeps it as text), a {@link StoredResult},
   * or null.
   */
  @Override
  public Object result() {
    return result instanceof EncodedJson text ? text.decode() : result;
  }

  /** The reference when the result is in the result store, else null; never decodes. */
  public StoredResult stored() {
    return result instanceof StoredResult ref ? ref : null;
  }

  /**
   * Combines what a reader knew with a newer record of the same run (see {@link RunStateMerge}).
   */
  public static RunState merge(RunState current, RunState incoming) {
    return RunStateMerge.merge(current, incoming);
  }

  /** The same state with {@code level} as its priority (this one when it already is). */
  RunState withPriority(Priority level) {
    if (level == priority) {
      return this;
    }
    return new RunState(
        runId,
        project,
        app,
        status,
        createdAt,
        startedAt,
        completedAt,
        runTimeMs,
        workerId,
        result,
        error,
        webhook,
        source,
        updatedAt,
        level,
        scheduledFor);
  }

  RunState withScheduledFor(Instant at) {
    if (at == scheduledFor) {
      return this;
    }
    return new RunState(
        runId,
        project,
        app,
        status,
        createdAt,
        startedAt,
        completedAt,
        runTimeMs,
        workerId,
        result,
        error,
        webhook,
        source,
        updatedAt,
        priority,
        at);
  }

  public JsonObject toJson() {
    return RunStateJson.toJson(this);
  }
}
