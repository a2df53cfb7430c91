package dev.hookrun.dispatcher;

import dev.hookrun.common.delivery.DeadLetterHeaders;
import dev.hookrun.common.delivery.DeliveryRecord;
import dev.hookrun.common.kafka.DurableProducer;
import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.DeliveryState;
import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.common.run.WebhookState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an attempt and moves the delivery on: delivered; to the next retry tier; or, after its last
 * attempt, a 410, a refused address, an invalid URL or a stored result that is gone ({@code
 * result_expired}), to the dead letters. A stored result's age is renewed before each attempt and
 * when the delivery is settled ({@link StoredResults}). Every outcome is published to the
 * deliveries topic for {@code GET …/runs/{id}}.
 *
 * <p>{@link #deliver} completes once the delivery's next step is durable in Kafka; only then may
 * the record it came from be committed. Whatever goes wrong on the way is settled, never left
 * hanging: an attempt that throws is dead-lettered ({@code handler_error}), a delivery that no
 * longer fits its retry tier is dead-lettered ({@code record_too_large}), and a dead letter that
 * does not fit is written with its result replaced by a reference. The future fails only while the
 * dispatcher stops, leaving the record uncommitted for the next owner. It also bounds the attempts
 * in progress: consumers pause when {@link #saturated} and resume on {@link #onCapacity}; and
 * within it each project's share ({@link ProjectShares}).
 *
 * <p>Used on the dispatcher's context only.
 *
 * <p>Over 300 lines (as formatted) on purpose: one delivery's state machine (attempt, outcome,
 * retry tier, dead letter, ledger note) and the in-flight bound that all of its steps release;
 * split, each step would need the others' bookkeeping.
 */
final class DeliveryService {

  private static final Logger LOG = LoggerFactory.getLogger(DeliveryService.class);
  private static final long STATE_FIRST_BACKOFF_MS = 100;
  private static final long STATE_MAX_BACKOFF_MS = 5_000;

  private final WebhookSender sender;
  private final RetrySchedule schedule;
  private final DurableProducer producer;
  private final DeliveryLedger ledger;
  private final Topics topics;
  private final DispatcherMetrics metrics;
  private final Clock clock;
  private final int maxInflight;
  private final BiConsumer<Long, Runnable> timers;
  private final ProjectShares shares;
  private final StoredResults storedResults;
  private final EndpointGate endpoints;
  private final List<Runnable> capacityListeners = new ArrayList<>();
  private final Set<String> attempting = new HashSet<>();
  private int inFlight;

  DeliveryService(
      WebhookSender sender,
      RetrySchedule schedule,
      DurableProducer producer,
      DeliveryLedger ledger,
      Topics topics,
      DispatcherMetrics metrics,
      Clock clock,
      int maxInflight,
      ProjectShares shares,
      StoredResults storedResults,
      EndpointGate endpoints,
      BiConsumer<Long, Runnable> timers) {
    this.sender = sender;
    this.schedule = schedule;
    this.producer = producer;
    this.ledger = ledger;
    this.topics = topics;
    this.metrics = metrics;
    this.clock = clock;
    this.maxInflight = maxInflight;
    this.timers = timers;
    this.shares = shares;
    this.storedResults = storedResults;
    this.endpoints = endpoints;
  }

  boolean saturated() {
    return inFlight >= maxInflight;
  }

  void onCapacity(Runnable listener) {
    capacityListeners.add(listener);
  }

  Future<Void> deliver(DeliveryRecord delivery) {
    if (delivery.redelivery()
        ? ledger.deliveredSince(delivery.runId(), delivery.redeliveryRequestedAt())
        : ledger.isDelivered(delivery.runId())) {
      metrics.countDuplicateSkipped();
      LOG.info("run {}: webhook already delivered, not sending it again", delivery.runId());
      return Future.succeededFuture();
    }
    if (!attempting.add(delivery.runId())) {
      // A second record of a run that is being attempted here right now: a crash between writing
      // a delivery's next record and committing the one it came from leaves two (the result and
      // a retry, or two retries), both due at once after the restart. The attempt in progress
      // carries the delivery on; making both would send the webhook twice.
      metrics.countDuplicateSkipped();
      LOG.info(
          "run {}: an attempt of this run is in progress, not starting a second one",
          delivery.runId());
      return Future.succeededFuture();
    }
    Future<Runnable> share = shares.acquire(String.valueOf(delivery.result().project()));
    if (!share.isComplete()) {
      metrics.countOverShare("waited");
    }
    // an immediate slot starts the attempt before this returns: the consumers read saturated()
    return share.transform(
        slot -> {
          if (slot.succeeded()) {
            return settle(delivery, this::attempt, slot.result());
          }
          metrics.countOverShare("deferred");
          DeliveryOutcome overShare = DeliveryOutcome.deferred(slot.cause().getMessage());
          return settle(delivery, d -> Future.succeededFuture(overShare), () -> {});
        });
  }

  /**
   * Takes one slot of the budget while {@code how} attempts the delivery and its next step is
   * written; then gives it and the project's slot back.
   */
  private Future<Void> settle(
      DeliveryRecord delivery,
      Function<DeliveryRecord, Future<DeliveryOutcome>> how,
      Runnable releaseShare) {
    inFlight++;
    Future<DeliveryOutcome> attempted;
    try {
      attempted = how.apply(delivery);
    } catch (RuntimeException e) {
      attempted = Future.failedFuture(e);
    }
    // the guard covers the attempt only: the record of the next step (a retry) must find it free
    Future<Void> settled =
        attempted
            .andThen(done -> attempting.remove(delivery.runId()))
            .compose(outcome -> route(delivery, outcome));
    return settled
        .recover(
            e -> {
              if (e instanceof AlreadySettled) {
                return Future.succeededFuture();
              }
              return e instanceof DurableProducer.Stopping
                  ? Future.failedFuture(e)
                  : settleFailed(delivery, e);
            })
        .andThen(
            done -> {
              // first: a delivery of the project waiting for this slot takes over its budget slot
              releaseShare.run();
              inFlight--;
              if (inFlight == maxInflight - 1) {
                capacityListeners.forEach(Runnable::run);
              }
            });
  }

  private Future<DeliveryOutcome> attempt(DeliveryRecord delivery) {
    if (delivery.resultTruncated()) {
      // a replayed dead letter whose result no longer fits: sending the reference would lie to the
      // receiver
      return Future.succeededFuture(
          DeliveryOutcome.invalidEndpoint(
              DeadLetterHeaders.RECORD_TOO_LARGE
                  + ": the result was truncated to fit the dead-letter topic; it is on "
                  + delivery.origin()));
    }
    // renewed before the attempt, so the link it carries outlives a receiver that fetches late;
    // a result already gone is not announced with a link that answers 404
    return storedResults
        .renew(delivery.result())
        .compose(
            presence ->
                presence == StoredResults.Presence.GONE
                    ? Future.succeededFuture(
                        DeliveryOutcome.resultExpired(
                            DeadLetterHeaders.RESULT_EXPIRED
                                + ": the stored result "
                                + delivery.result().stored().key()
                                + " is gone (kept RUN_RETENTION after the webhook was last"
                                + " attempted); no webhook was sent"))
                    : endpoints.attempt(delivery, sender::attempt));
  }

  /**
   * Settles a delivery whose handling failed (a bug, or a record Kafka refuses for good): dead
   * letter with the reason, state {@code failed}, so the record behind it can be committed.
   */
  Future<Void> settleFailed(DeliveryRecord delivery, Throwable error) {
    String reason =
        error instanceof RecordTooLargeException
            ? DeadLetterHeaders.RECORD_TOO_LARGE
            : DeadLetterHeaders.HANDLER_ERROR;
    LOG.error(
        "run {}: delivery failed inside the dispatcher ({}), dead-lettering it",
        delivery.runId(),
        reason,
        error);
    DeliveryOutcome outcome =
        DeliveryOutcome.invalidEndpoint(reason + ": " + WebhookSender.describe(error));
    return deadLetter(delivery, outcome, reason, clock.instant());
  }

  private Future<Void> route(DeliveryRecord delivery, DeliveryOutcome outcome) {
    Instant now = clock.instant();
    if (outcome.kind() == DeliveryOutcome.Kind.DEFERRED) {
      return defer(delivery, outcome, now);
    }
    int attempts = delivery.attempts() + 1;
    String endpoint = delivery.result().webhookEndpoint();
    switch (outcome.kind()) {
      case DELIVERED -> {
        metrics.countAttempt("delivered");
        ledger.delivered(delivery.runId());
        storedResults.renew(delivery.result()); // RUN_RETENTION from now: the receiver fetches it
        LOG.debug(
            "run {}: webhook delivered ({}) after {} attempt(s)",
            delivery.runId(),
            outcome.statusCode(),
            attempts);
        return publish(
            delivery,
            new WebhookState(
                endpoint,
                WebhookState.DELIVERED,
                attempts,
                outcome.statusOrNull(),
                null,
                null,
                outcome.latencyMs()),
            now);
      }
      case GONE -> {
        metrics.countAttempt("gone");
        return deadLetter(delivery, outcome, DeadLetterHeaders.GONE, now);
      }
      case REFUSED -> {
        metrics.countAttempt("refused");
        return deadLetter(delivery, outcome, DeadLetterHeaders.REFUSED, now);
      }
      case INVALID_ENDPOINT -> {
        metrics.countAttempt("invalid_endpoint");
        return deadLetter(delivery, outcome, DeadLetterHeaders.INVALID_ENDPOINT, now);
      }
      case RESULT_EXPIRED -> {
        metrics.countAttempt("result_expired");
        return deadLetter(delivery, outcome, DeadLetterHeaders.RESULT_EXPIRED, now);
      }
      case ENDPOINT_DISABLED -> {
        metrics.countAttempt("endpoint_disabled");
        return deadLetter(delivery, outcome, DeadLetterHeaders.ENDPOINT_DISABLED, now);
      }
      default -> {
        metrics.countAttempt("failed");
        int next = delivery.retry() + 1;
        if (next > schedule.retries()) {
          return deadLetter(delivery, outcome, DeadLetterHeaders.EXHAUSTED, now);
        }
        return retry(delivery, outcome, next, now);
      }
    }
  }

  private Future<Void> retry(
      DeliveryRecord delivery, DeliveryOutcome outcome, int next, Instant now) {
    Instant due = schedule.dueAt(now, next, outcome.retryAfter());
    DeliveryRecord later = delivery.failedAttempt(failure(outcome, now), next, due);
    metrics.countRetryScheduled();
    LOG.info(
        "run {}: webhook attempt {} failed ({}), retry {} of {} at {}",
        delivery.runId(),
        later.attempts(),
        outcome.error(),
        next,
        schedule.retries(),
        due);
    return waitInTier(delivery, next, later, outcome, outcome.statusOrNull(), due, now);
  }

  /**
   * Back to the first retry tier, whatever retry the delivery was waiting for: the host was busy,
   * or the project over its share of the dispatcher, which says nothing about this receiver, so
   * neither an attempt nor a long tier is spent on it.
   */
  private Future<Void> defer(DeliveryRecord delivery, DeliveryOutcome outcome, Instant now) {
    Instant due = schedule.dueAt(now, 1, null);
    DeliveryRecord later = delivery.deferred(due);
    metrics.countDeferred();
    LOG.info(
        "run {}: webhook not attempted ({}), deferred to {}",
        delivery.runId(),
        outcome.error(),
        due);
    Integer lastStatus =
        delivery.lastFailure() == null ? null : delivery.lastFailure().statusCode();
    return waitInTier(delivery, 1, later, outcome, lastStatus, due, now);
  }

  /** Writes {@code later} to retry tier {@code tier}, then shows the run's webhook as pending. */
  private Future<Void> waitInTier(
      DeliveryRecord delivery,
      int tier,
      DeliveryRecord later,
      DeliveryOutcome outcome,
      Integer lastStatus,
      Instant due,
      Instant now) {
    return toRetryTier(delivery, topics.retryTier(tier), later, outcome)
        .compose(
            v ->
                publish(
                    later,
                    new WebhookState(
                        later.result().webhookEndpoint(),
                        WebhookState.PENDING,
                        later.attempts(),
                        lastStatus,
                        due,
                        outcome.error(),
                        outcome.latencyMs()),
                    now));
  }

  /**
   * Writes a waiting delivery to a retry tier. A tier holds the result plus its history, so a
   * result that fitted the results topic can be too large for a tier with a smaller
   * max.message.bytes: the delivery then ends as a dead letter ({@code record_too_large}), and the
   * returned future fails so the caller publishes no pending state.
   */
  private Future<Void> toRetryTier(
      DeliveryRecord delivery, String tier, DeliveryRecord later, DeliveryOutcome outcome) {
    String value = later.toJson().encode();
    return producer
        .send(new ProducerRecord<>(tier, delivery.runId(), value))
        .recover(
            e -> {
              if (!(e instanceof RecordTooLargeException)) {
                return Future.failedFuture(e);
              }
              String why =
                  DeadLetterHeaders.RECORD_TOO_LARGE
                      + ": the delivery ("
                      + utf8Bytes(value)
                      + " bytes) does not fit "
                      + tier
                      + " ("
                      + e.getMessage()
                      + "); last attempt: "
                      + outcome.error();
              DeliveryOutcome tooLarge =
                  new DeliveryOutcome(DeliveryOutcome.Kind.RETRY, outcome.statusCode(), why, null);
              return deadLetter(
                      delivery, tooLarge, DeadLetterHeaders.RECORD_TOO_LARGE, clock.instant())
                  .compose(v -> Future.failedFuture(new AlreadySettled()));
            });
  }

  /** A delivery that reached the dead letters on a side path: nothing more to write for it. */
  private static final class AlreadySettled extends RuntimeException {
    AlreadySettled() {
      super("already settled", null, false, false);
    }
  }

  private Future<Void> deadLetter(
      DeliveryRecord delivery, DeliveryOutcome outcome, String reason, Instant now) {
    DeliveryRecord dead = delivery.failedAttempt(failure(outcome, now), delivery.retry(), now);
    LOG.warn(
        "run {}: webhook to {} dead-lettered after {} attempt(s) ({}): {}",
        delivery.runId(),
        delivery.result().webhookEndpoint(),
        dead.attempts(),
        reason,
        outcome.error());
    String value = dead.toJson().encode();
    return producer
        .send(deadLetterRecord(dead, value, outcome, reason))
        .recover(
            e -> {
              if (!(e instanceof RecordTooLargeException)) {
                return Future.failedFuture(e);
              }
              // the dead letter must exist whatever its size: keep the history, point at the result
              DeliveryRecord small = dead.truncated(utf8Bytes(value));
              LOG.warn(
                  "run {}: dead letter too large ({} bytes), writing it with a reference to the result on {}",
                  delivery.runId(),
                  utf8Bytes(value),
                  dead.origin());
              return producer.send(
                  deadLetterRecord(small, small.toJson().encode(), outcome, reason));
            })
        .onSuccess(
            v -> {
              metrics.countDeadLetter(reason);
              if (!DeadLetterHeaders.RESULT_EXPIRED.equals(reason)) {
                // a replay within RUN_RETENTION of the dead letter still finds the result
                storedResults.renew(delivery.result());
              }
            })
        .compose(
            v ->
                publish(
                    delivery,
                    new WebhookState(
                        dead.result().webhookEndpoint(),
                        WebhookState.FAILED,
                        dead.attempts(),
                        outcome.statusOrNull(),
                        null,
                        outcome.error(),
                        outcome.latencyMs()),
                    now));
  }

  private ProducerRecord<String, String> deadLetterRecord(
      DeliveryRecord dead, String value, DeliveryOutcome outcome, String reason) {
    var record = new ProducerRecord<String, String>(topics.deadLetters(), dead.runId(), value);
    header(record, DeadLetterHeaders.REASON, reason);
    header(record, DeadLetterHeaders.ATTEMPTS, Integer.toString(dead.attempts()));
    header(
        record,
        DeadLetterHeaders.LAST_STATUS,
        outcome.statusCode() == 0 ? "none" : Integer.toString(outcome.statusCode()));
    header(record, DeadLetterHeaders.LAST_ERROR, String.valueOf(outcome.error()));
    if (dead.origin() != null) {
      header(record, DeadLetterHeaders.TOPIC, dead.origin().topic());
      header(record, DeadLetterHeaders.PARTITION, Integer.toString(dead.origin().partition()));
      header(record, DeadLetterHeaders.OFFSET, Long.toString(dead.origin().offset()));
    }
    if (dead.resultTruncated()) {
      header(record, DeadLetterHeaders.RESULT_TRUNCATED, "true");
    }
    return record;
  }

  /**
   * The state is what users see ({@code GET …/runs/{id}}) and what the next dispatcher's ledger
   * reads to not send a delivered webhook again, so it is sent until Kafka takes it or the
   * dispatcher stops: the record the delivery came from stays uncommitted meanwhile, and a restart
   * attempts it again rather than lose its state. The producer retries what Kafka calls transient;
   * what it calls permanent (a deliveries topic refusing the record: its size limit, a policy, an
   * authorization) is an operator's to fix, and is tried again here, with back-off, until fixed. It
   * goes through the same direct producer as the deliveries: a {@code delivered} state leaves right
   * after the 2xx, which keeps short the window in which a crash makes the next dispatcher send it
   * again.
   */
  private Future<Void> publish(DeliveryRecord delivery, WebhookState webhook, Instant now) {
    DeliveryState state = DeliveryState.of(delivery.result(), webhook, now);
    var record =
        new ProducerRecord<String, String>(
            topics.deliveries(), state.runId(), state.toJson().encode());
    header(record, RunHeaders.SOURCE, "dispatcher");
    Promise<Void> sent = Promise.promise();
    publishUntilSent(record, webhook.status(), sent, STATE_FIRST_BACKOFF_MS);
    return sent.future();
  }

  private void publishUntilSent(
      ProducerRecord<String, String> record, String status, Promise<Void> sent, long backoffMs) {
    producer
        .send(record)
        .onComplete(
            done -> {
              if (done.succeeded()) {
                sent.complete();
                return;
              }
              Throwable e = done.cause();
              if (e instanceof DurableProducer.Stopping) {
                sent.fail(e);
                return;
              }
              metrics.countStateSendFailed();
              LOG.warn(
                  "run {}: webhook state {} refused by {}, trying again in {} ms "
                      + "(the delivery's record stays uncommitted meanwhile): {}",
                  record.key(),
                  status,
                  record.topic(),
                  backoffMs,
                  e.toString());
              timers.accept(
                  backoffMs,
                  () ->
                      publishUntilSent(
                          record, status, sent, Math.min(STATE_MAX_BACKOFF_MS, backoffMs * 2)));
            });
  }

  private static void header(ProducerRecord<String, String> record, String name, String value) {
    record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private static int utf8Bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8).length;
  }

  private static DeliveryRecord.Failure failure(DeliveryOutcome outcome, Instant now) {
    return new DeliveryRecord.Failure(
        now, outcome.statusOrNull(), outcome.error(), outcome.latencyMs());
  }
}
