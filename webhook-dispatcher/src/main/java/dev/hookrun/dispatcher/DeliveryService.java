package dev.hookrun.dispatcher;

import dev.hookrun.common.metrics.Meters;
import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.DeliveryState;
import dev.hookrun.common.run.RunStatePublisher;
import dev.hookrun.common.run.WebhookState;
import io.vertx.core.Future;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an attempt and moves the delivery on: delivered; to the next retry tier; or, after its
 * last attempt, a 410 or a refused address, to the dead letters. Every outcome is published to
 * the run-state topic for {@code GET …/runs/{id}}.
 *
 * <p>{@link #deliver} completes once the delivery's next step is durable in Kafka; only then may
 * the record it came from be committed. It also bounds the attempts in progress: consumers
 * pause when {@link #saturated} and resume on {@link #onCapacity}.
 *
 * <p>Used on the dispatcher's context only.
 */
final class DeliveryService {

  private static final Logger LOG = LoggerFactory.getLogger(DeliveryService.class);

  private final WebhookSender sender;
  private final RetrySchedule schedule;
  private final DurableProducer producer;
  private final RunStatePublisher states;
  private final DeliveryLedger ledger;
  private final Topics topics;
  private final DispatcherMetrics metrics;
  private final Clock clock;
  private final int maxInflight;
  private final List<Runnable> capacityListeners = new ArrayList<>();
  private int inFlight;

  DeliveryService(WebhookSender sender, RetrySchedule schedule, DurableProducer producer,
      RunStatePublisher states, DeliveryLedger ledger, Topics topics, DispatcherMetrics metrics,
      Clock clock, int maxInflight) {
    this.sender = sender;
    this.schedule = schedule;
    this.producer = producer;
    this.states = states;
    this.ledger = ledger;
    this.topics = topics;
    this.metrics = metrics;
    this.clock = clock;
    this.maxInflight = maxInflight;
  }

  boolean saturated() {
    return inFlight >= maxInflight;
  }

  void onCapacity(Runnable listener) {
    capacityListeners.add(listener);
  }

  Future<Void> deliver(DeliveryRecord delivery) {
    if (ledger.isDelivered(delivery.runId())) {
      metrics.duplicatesSkipped.incrementAndGet();
      LOG.info("run {}: webhook already delivered, not sending it again", delivery.runId());
      return Future.succeededFuture();
    }
    inFlight++;
    return sender.attempt(delivery)
        .compose(outcome -> route(delivery, outcome))
        .andThen(done -> {
          inFlight--;
          if (inFlight == maxInflight - 1) {
            capacityListeners.forEach(Runnable::run);
          }
        });
  }

  private Future<Void> route(DeliveryRecord delivery, DeliveryOutcome outcome) {
    Instant now = clock.instant();
    if (outcome.kind() == DeliveryOutcome.Kind.DEFERRED) {
      return defer(delivery, outcome, now);
    }
    metrics.attempts.incrementAndGet();
    int attempts = delivery.attempts() + 1;
    String endpoint = delivery.result().webhookEndpoint();
    switch (outcome.kind()) {
      case DELIVERED -> {
        metrics.delivered.incrementAndGet();
        Meters.deliveryAttempt("delivered");
        ledger.delivered(delivery.runId());
        LOG.debug("run {}: webhook delivered ({}) after {} attempt(s)", delivery.runId(), outcome.statusCode(), attempts);
        return publish(delivery, new WebhookState(endpoint, WebhookState.DELIVERED, attempts,
            outcome.statusOrNull(), null, null), now);
      }
      case GONE -> {
        metrics.gone.incrementAndGet();
        Meters.deliveryAttempt("gone");
        return deadLetter(delivery, outcome, DeadLetterHeaders.GONE, now);
      }
      case REFUSED -> {
        metrics.refused.incrementAndGet();
        Meters.deliveryAttempt("refused");
        return deadLetter(delivery, outcome, DeadLetterHeaders.REFUSED, now);
      }
      default -> {
        Meters.deliveryAttempt("failed");
        int next = delivery.retry() + 1;
        if (next > schedule.retries()) {
          return deadLetter(delivery, outcome, DeadLetterHeaders.EXHAUSTED, now);
        }
        return retry(delivery, outcome, next, now);
      }
    }
  }

  private Future<Void> retry(DeliveryRecord delivery, DeliveryOutcome outcome, int next, Instant now) {
    Instant due = schedule.dueAt(now, next, outcome.retryAfter());
    DeliveryRecord later = delivery.failedAttempt(failure(outcome, now), next, due);
    metrics.retriesScheduled.incrementAndGet();
    LOG.info("run {}: webhook attempt {} failed ({}), retry {} of {} at {}", delivery.runId(),
        later.attempts(), outcome.error(), next, schedule.retries(), due);
    var record = KafkaProducerRecord.create(topics.retryTier(next), delivery.runId(), later.toJson().encode());
    return producer.send(record).compose(v -> publish(later, new WebhookState(
        later.result().webhookEndpoint(), WebhookState.PENDING, later.attempts(), outcome.statusOrNull(),
        due, outcome.error()), now));
  }

  /**
   * Back to the first retry tier, whatever retry the delivery was waiting for: the host was busy,
   * which says nothing about this receiver, so neither an attempt nor a long tier is spent on it.
   */
  private Future<Void> defer(DeliveryRecord delivery, DeliveryOutcome outcome, Instant now) {
    Instant due = schedule.dueAt(now, 1, null);
    DeliveryRecord later = delivery.deferred(due);
    metrics.deferred.incrementAndGet();
    Meters.deliveryDeferred();
    LOG.info("run {}: webhook not attempted ({}), deferred to {}", delivery.runId(), outcome.error(), due);
    var record = KafkaProducerRecord.create(topics.retryTier(1), delivery.runId(), later.toJson().encode());
    Integer lastStatus = delivery.lastFailure() == null ? null : delivery.lastFailure().statusCode();
    return producer.send(record).compose(v -> publish(later, new WebhookState(
        later.result().webhookEndpoint(), WebhookState.PENDING, later.attempts(), lastStatus, due, outcome.error()), now));
  }

  private Future<Void> deadLetter(DeliveryRecord delivery, DeliveryOutcome outcome, String reason, Instant now) {
    DeliveryRecord dead = delivery.failedAttempt(failure(outcome, now), delivery.retry(), now);
    LOG.warn("run {}: webhook to {} dead-lettered after {} attempt(s) ({}): {}", delivery.runId(),
        delivery.result().webhookEndpoint(), dead.attempts(), reason, outcome.error());
    var record = KafkaProducerRecord.create(topics.deadLetters(), delivery.runId(), dead.toJson().encode());
    record.addHeader(DeadLetterHeaders.REASON, reason);
    record.addHeader(DeadLetterHeaders.ATTEMPTS, Integer.toString(dead.attempts()));
    record.addHeader(DeadLetterHeaders.LAST_STATUS, outcome.statusCode() == 0 ? "none" : Integer.toString(outcome.statusCode()));
    record.addHeader(DeadLetterHeaders.LAST_ERROR, String.valueOf(outcome.error()));
    if (dead.origin() != null) {
      record.addHeader(DeadLetterHeaders.TOPIC, dead.origin().topic());
      record.addHeader(DeadLetterHeaders.PARTITION, Integer.toString(dead.origin().partition()));
      record.addHeader(DeadLetterHeaders.OFFSET, Long.toString(dead.origin().offset()));
    }
    return producer.send(record)
        .onSuccess(v -> {
          metrics.deadLettered.incrementAndGet();
          Meters.deadLettered();
        })
        .compose(v -> publish(dead, new WebhookState(dead.result().webhookEndpoint(), WebhookState.FAILED,
            dead.attempts(), outcome.statusOrNull(), null, outcome.error()), now));
  }

  /**
   * The state is what users see; the delivery itself is already safe in Kafka (or delivered),
   * so a state that cannot be published is logged (by the publisher) and does not hold it up.
   */
  private Future<Void> publish(DeliveryRecord delivery, WebhookState webhook, Instant now) {
    return states.publish(DeliveryState.of(delivery.result(), webhook, now)).recover(e -> Future.succeededFuture());
  }

  private static DeliveryRecord.Failure failure(DeliveryOutcome outcome, Instant now) {
    return new DeliveryRecord.Failure(now, outcome.statusOrNull(), outcome.error());
  }
}
