package dev.hookrun.common.metrics;

import static dev.hookrun.common.metrics.MeterRegistrations.cached;
import static dev.hookrun.common.metrics.MeterRegistrations.forgetHolder;
import static dev.hookrun.common.metrics.MeterRegistrations.lagHolder;
import static dev.hookrun.common.metrics.MeterRegistrations.registry;
import static dev.hookrun.common.metrics.MeterRegistrations.summedGauge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * The platform's named meters, one static call per event, so every stage names them the same way.
 * Prometheus names (Micrometer appends {@code _total} to counters and {@code _seconds} to timers)
 * are listed in docs/operating.md.
 *
 * <p>Tags stay low-cardinality: status codes, app names, outcomes, stages; never run ids.
 *
 * <p>Over 300 lines (as formatted) on purpose: it is the catalog of every meter name, one short
 * method each, so that docs/operating.md has one file to match; splitting it by stage would bring
 * back names spelled in two places. How meters are registered once and shared is apart, in {@link
 * MeterRegistrations}.
 */
public final class Meters {

  /** Timers span milliseconds (a webhook) to a day (a long run): explicit buckets, not hundreds. */
  private static final Duration[] RUN_BUCKETS = {
    Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
    Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
    Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(3),
    Duration.ofHours(6), Duration.ofHours(12), Duration.ofHours(24)
  };

  /** A receiver's answer: milliseconds to WEBHOOK_REQUEST_TIMEOUT. */
  private static final Duration[] WEBHOOK_BUCKETS = {
    Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100), Duration.ofMillis(250),
    Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
    Duration.ofSeconds(15), Duration.ofSeconds(60)
  };

  private static final List<IntSupplier> IN_FLIGHT = new CopyOnWriteArrayList<>();
  private static final java.util.concurrent.atomic.AtomicBoolean IN_FLIGHT_REGISTERED =
      new java.util.concurrent.atomic.AtomicBoolean();

  private Meters() {}

  /**
   * Gateway: a route handler that counts each predict answer by status, placed before the predict
   * handler.
   */
  public static Handler<RoutingContext> countPredictAnswers() {
    return ctx -> {
      ctx.addHeadersEndHandler(v -> predictAnswered(ctx.response().getStatusCode()));
      ctx.next();
    };
  }

  /** Gateway: a predict call was answered with {@code status} (2xx accepted, else refused). */
  public static void predictAnswered(int status) {
    Counter counter =
        cached(
            "predict:" + status,
            () ->
                Counter.builder("hookrun.gateway.predict.requests")
                    .description("Predict calls answered, by HTTP status")
                    .tag("code", Integer.toString(status))
                    .tag("outcome", status >= 200 && status < 300 ? "accepted" : "refused")
                    .register(registry()));
    counter.increment();
  }

  /**
   * Worker: counts the runs a source (one worker verticle) holds into the in-flight gauge. Call the
   * returned Runnable when the source stops.
   */
  public static Runnable trackInFlight(IntSupplier runsHeld) {
    // registered on first use, so only processes that run workers export it; once, or Micrometer
    // warns about every further worker verticle of the process
    if (IN_FLIGHT_REGISTERED.compareAndSet(false, true)) {
      registerInFlight();
    }
    IN_FLIGHT.add(runsHeld);
    return () -> IN_FLIGHT.remove(runsHeld);
  }

  private static void registerInFlight() {
    Gauge.builder(
            "hookrun.worker.runs.inflight",
            IN_FLIGHT,
            sources -> sources.stream().mapToInt(IntSupplier::getAsInt).sum())
        .description("Runs started by the workers of this process and not yet in the results topic")
        .register(registry());
  }

  /**
   * Local run: the requests the in-process broker served, by type, so a benchmark can report what
   * one run costs the broker. {@code counts} is read at every scrape.
   */
  public static void trackBrokerRequests(
      java.util.function.Supplier<java.util.Map<String, Long>> counts) {
    for (String type :
        java.util.List.of(
            "Produce",
            "Fetch",
            "ShareFetch",
            "ShareAcknowledge",
            "OffsetCommit",
            "Heartbeat",
            "Metadata",
            "ListOffsets")) {
      io.micrometer.core.instrument.FunctionCounter.builder(
              "hookrun.broker.requests", counts, c -> c.get().getOrDefault(type, 0L))
          .description("Requests served by the in-process broker of the local run")
          .tag("request", type)
          .register(registry());
    }
    io.micrometer.core.instrument.FunctionCounter.builder(
            "hookrun.broker.requests",
            counts,
            c -> c.get().values().stream().mapToLong(Long::longValue).sum())
        .description("Requests served by the in-process broker of the local run")
        .tag("request", "all")
        .register(registry());
  }

  /** Gateway: an app's queued and running runs, as its view counts them. */
  public static void trackQueue(
      String project, String app, IntSupplier queued, IntSupplier running) {
    // held strongly: the suppliers are lambdas nobody else keeps, and a gauge's default weak
    // reference let the first collection take them (the gauges then said NaN for good)
    Gauge.builder("hookrun.runs.queued", queued, IntSupplier::getAsInt)
        .description("Runs accepted and not yet started, per app (from this gateway's view)")
        .tag("project", project)
        .tag("app", app)
        .strongReference(true)
        .register(registry());
    Gauge.builder("hookrun.runs.running", running, IntSupplier::getAsInt)
        .description("Runs a worker is running, per app (from this gateway's view)")
        .tag("project", project)
        .tag("app", app)
        .strongReference(true)
        .register(registry());
  }

  /**
   * Removes every meter with a tag {@code key} whose value {@code matches}: the meters of stages
   * that are gone for good (the local run's warm-up), which would otherwise keep them reachable and
   * show stale series.
   */
  public static void forgetTagged(String key, java.util.function.Predicate<String> matches) {
    for (Meter meter : List.copyOf(registry().getMeters())) {
      String value = meter.getId().getTag(key);
      if (value != null && matches.test(value)) {
        registry().remove(meter);
        forgetHolder(meter.getId());
      }
    }
  }

  /** Worker: how long a request waited in Kafka before a worker started it. */
  public static void queueWait(String app, Duration wait) {
    Timer timer =
        cached(
            "wait:" + app,
            () ->
                Timer.builder("hookrun.worker.queue.wait")
                    .description("Time from acceptance by a gateway to the start of the run")
                    .tag("app", app)
                    .serviceLevelObjectives(RUN_BUCKETS)
                    .register(registry()));
    timer.record(wait.isNegative() ? Duration.ZERO : wait);
  }

  /** Worker: a run ended with {@code status} after {@code runTime}. */
  public static void runFinished(String app, String status, Duration runTime) {
    Timer timer =
        cached(
            "run:" + app + ":" + status,
            () ->
                Timer.builder("hookrun.worker.run.duration")
                    .description("Run time of finished runs, by app and final status")
                    .tag("app", app)
                    .tag("status", status)
                    .serviceLevelObjectives(RUN_BUCKETS)
                    .register(registry()));
    timer.record(runTime);
  }

  /**
   * Dispatcher: one webhook delivery attempt ended. Outcomes in use: {@code delivered}, {@code
   * failed}, {@code gone}, {@code refused}, {@code invalid_endpoint}, {@code result_expired}.
   */
  public static void deliveryAttempt(String outcome) {
    Counter counter =
        cached(
            "attempt:" + outcome,
            () ->
                Counter.builder("hookrun.webhook.delivery.attempts")
                    .description("Webhook delivery attempts, by outcome")
                    .tag("outcome", outcome)
                    .register(registry()));
    counter.increment();
  }

  /**
   * Dispatcher: one webhook request, from sending to the end of the answer (or its failure): how
   * fast receivers answer, in place of Vert.x's per-host HTTP client timers.
   */
  public static void webhookRequestTime(long nanos) {
    Timer timer =
        cached(
            "webhookRequest",
            () ->
                Timer.builder("hookrun.webhook.request.duration")
                    .description(
                        "Webhook requests, sending to the end of the answer or its failure")
                    .serviceLevelObjectives(WEBHOOK_BUCKETS)
                    .register(registry()));
    timer.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /**
   * Dispatcher: a best-effort lifecycle event ({@code start}, {@code progress}) and what became of
   * it: {@code delivered}, {@code failed} (after its few quick attempts), {@code dropped} (receiver
   * busy, another event of the run still in flight, or the run already completed).
   */
  public static void lifecycleEvent(String event, String outcome) {
    cached(
            "event:" + event + ":" + outcome,
            () ->
                Counter.builder("hookrun.webhook.events")
                    .description("Start and progress webhooks (best effort), by event and outcome")
                    .tag("event", event)
                    .tag("outcome", outcome)
                    .register(registry()))
        .increment();
  }

  /**
   * Dispatcher: a delivery not attempted because its host had no free slot; it is retried later.
   */
  public static void deliveryDeferred() {
    cached(
            "deferred",
            () ->
                Counter.builder("hookrun.webhook.deliveries.deferred")
                    .description(
                        "Webhook deliveries not attempted because their host was busy; retried without spending an attempt")
                    .register(registry()))
        .increment();
  }

  /**
   * Dispatcher: the age of a run's stored result was renewed for its webhook ({@code renewed}), or
   * the store no longer had it ({@code gone}) or could not be asked ({@code failed}).
   */
  public static void storedResultRenewal(String outcome) {
    cached(
            "resultRenewal:" + outcome,
            () ->
                Counter.builder("hookrun.webhook.result.renewals")
                    .description(
                        "Renewals of a stored result's age while its webhook is delivered, by outcome")
                    .tag("outcome", outcome)
                    .register(registry()))
        .increment();
  }

  /**
   * Dispatcher: a send of a webhook's delivery state to the deliveries topic failed; it is tried
   * again until it succeeds or the dispatcher stops.
   */
  public static void deliveryStateSendFailed() {
    cached(
            "deliveryStateSendFailed",
            () ->
                Counter.builder("hookrun.webhook.state.send.failures")
                    .description(
                        "Failed sends of a webhook delivery state to the deliveries topic; each is tried again")
                    .register(registry()))
        .increment();
  }

  /**
   * Dispatcher: a delivery of a project at its share of the dispatcher (DISPATCHER_PROJECT_SHARE)
   * {@code waited} for the project's turn or was {@code deferred} to a retry tier.
   */
  public static void projectOverShare(String outcome) {
    cached(
            "overShare:" + outcome,
            () ->
                Counter.builder("hookrun.webhook.project.over.share")
                    .description(
                        "Webhook deliveries of a project at its share of the dispatcher, by outcome (waited, deferred)")
                    .tag("outcome", outcome)
                    .register(registry()))
        .increment();
  }

  /** Dispatcher: a failed attempt was sent to a retry tier. */
  public static void retryScheduled() {
    cached(
            "retryScheduled",
            () ->
                Counter.builder("hookrun.webhook.retries.scheduled")
                    .description("Failed webhook attempts sent to a retry tier")
                    .register(registry()))
        .increment();
  }

  /** Dispatcher: an attempt found no free slot at its host (a backlog or a black hole). */
  public static void hostBusy() {
    cached(
            "hostBusy",
            () ->
                Counter.builder("hookrun.webhook.host.busy")
                    .description(
                        "Webhook attempts and events that found no free slot at their host")
                    .register(registry()))
        .increment();
  }

  /**
   * Dispatcher: a result or retry not delivered because the run's webhook was already taken care
   * of.
   */
  public static void duplicateSkipped() {
    cached(
            "duplicateSkipped",
            () ->
                Counter.builder("hookrun.webhook.duplicates.skipped")
                    .description(
                        "Results or retries not delivered because the run's webhook was delivered or in progress")
                    .register(registry()))
        .increment();
  }

  /**
   * Dispatcher: a delivery gave up and went to the dead-letter topic, for {@code reason} ({@code
   * exhausted}, {@code gone}, {@code refused}, {@code invalid_webhook_endpoint}, {@code
   * record_too_large}, {@code handler_error}).
   */
  public static void deadLettered(String reason) {
    cached(
            "dead:" + reason,
            () ->
                Counter.builder("hookrun.webhook.dead.letters")
                    .description("Webhook deliveries moved to the dead-letter topic, by reason")
                    .tag("reason", reason)
                    .register(registry()))
        .increment();
  }

  /**
   * A consumer settled a record it could not handle (its handler threw, or it could not be decoded)
   * and moved on: by consumer (group or reader) and reason, so a stage that skips records shows up
   * on a dashboard instead of only in its log.
   */
  public static void recordSettled(String consumer, String reason) {
    cached(
            "settled:" + consumer + ":" + reason,
            () ->
                Counter.builder("hookrun.consumer.records.settled")
                    .description(
                        "Records a consumer could not handle and settled (logged, skipped or dead-lettered), by reason")
                    .tag("consumer", consumer)
                    .tag("reason", reason)
                    .register(registry()))
        .increment();
  }

  /** A consumer's offset commit failed; it is retried. */
  public static void commitFailed(String consumer) {
    cached(
            "commitFailed:" + consumer,
            () ->
                Counter.builder("hookrun.consumer.commit.failures")
                    .description("Offset commits that failed and were retried")
                    .tag("consumer", consumer)
                    .register(registry()))
        .increment();
  }

  /** Ops: dead letters put back into delivery by an operator. */
  public static void deadLettersReplayed(int count) {
    Counter.builder("hookrun.ops.dead.letters.replayed")
        .description("Dead letters re-published to the results topic by an operator")
        .register(registry())
        .increment(count);
  }

  /**
   * Consumer lag (end offset minus committed offset, summed over partitions) of one stage's group:
   * the holder to set. Sampled periodically by the gateways' ops module.
   */
  public static AtomicLong consumerLag(String stage, String group) {
    return lagHolder(
        "hookrun.consumer.lag",
        "Records not yet processed by a stage's consumer group",
        Tags.of("stage", stage, "group", group));
  }

  /**
   * Lag (end offset minus committed offset, summed) of the partitions one group member owns: the
   * holder to set. Every worker and dispatcher measures its own, so a deployment without a gateway
   * still has it, and summed over members it is the group's lag.
   */
  public static AtomicLong memberLag(String group, String member) {
    return lagHolder(
        "hookrun.consumer.member.lag",
        "Records not yet processed in the partitions this group member owns",
        Tags.of("group", group, "member", member));
  }

  /**
   * Records in the partitions one member owns that it has not fetched yet (end offset minus the
   * consumer's position): for a worker, runs waiting to start. Unlike the lag it leaves out runs in
   * progress, so a worker holding thousands of sleeping delay runs shows zero: the signal to scale
   * workers on (KEDA), sampled with the lag.
   */
  public static AtomicLong memberWaiting(String group, String member) {
    return lagHolder(
        "hookrun.consumer.member.waiting",
        "Records not yet fetched in the partitions this group member owns (for workers: runs waiting to start)",
        Tags.of("group", group, "member", member));
  }

  /**
   * Scheduler: its runs released and not finished, the worker slots it may fill, and the workers it
   * heard from within the lease. Remove the sources with the returned Runnable when it stops.
   */
  public static Runnable trackScheduler(
      IntSupplier inFlight, IntSupplier capacity, IntSupplier liveWorkers) {
    List<Runnable> untrack =
        List.of(
            summedGauge(
                "hookrun.scheduler.in.flight",
                "Runs the scheduler released to the workers that have no outcome yet",
                Tags.empty(),
                inFlight),
            summedGauge(
                "hookrun.scheduler.capacity",
                "Worker slots the scheduler may fill: the slots of live workers (its share of them)",
                Tags.empty(),
                capacity),
            summedGauge(
                "hookrun.scheduler.live.workers",
                "Workers whose newest heartbeat is up and within WORKER_LEASE_TIMEOUT",
                Tags.empty(),
                liveWorkers));
    return () -> untrack.forEach(Runnable::run);
  }

  /**
   * Scheduler: runs of one project and priority waiting for a worker slot (summed: the signal to
   * scale workers on). Remove the source with the returned Runnable when the scheduler stops.
   */
  public static Runnable trackScheduled(String project, String priority, IntSupplier queued) {
    return summedGauge(
        "hookrun.scheduler.queued",
        "Runs waiting in the scheduler for a worker slot, per project and priority",
        Tags.of("project", project, "priority", priority),
        queued);
  }

  /** Scheduler: a queued run was handed to the workers (work topic). */
  public static void runReleased() {
    cached(
            "released",
            () ->
                Counter.builder("hookrun.scheduler.released")
                    .description("Queued runs the scheduler handed to the workers")
                    .register(registry()))
        .increment();
  }

  /**
   * Scheduler: a run its worker did not finish was handed to the workers again, because the worker
   * went silent ({@code lost}) or stopped and gave it back ({@code handed_back}).
   */
  public static void runReleasedAgain(String reason) {
    cached(
            "rereleased:" + reason,
            () ->
                Counter.builder("hookrun.scheduler.rereleased")
                    .description(
                        "Started runs handed to the workers again, by why their worker left")
                    .tag("reason", reason)
                    .register(registry()))
        .increment();
  }
}
