package dev.hookrun.dispatcher;

import dev.hookrun.common.delivery.DeadLetterHeaders;
import dev.hookrun.common.delivery.DeliveryRecord;
import dev.hookrun.common.delivery.EndpointKey;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * What stands between a delivery and its endpoint: a disabled endpoint refuses it (dead letter
 * {@code endpoint_disabled}, no attempt), the endpoint's rate makes it wait its turn or defers it,
 * and each attempt's outcome and time go to the endpoint's health. Used on the dispatcher's
 * context.
 */
final class EndpointGate {

  private final EndpointHealth health;
  private final EndpointRate rate;
  private final BiConsumer<Long, Runnable> timers;

  EndpointGate(EndpointHealth health, EndpointRate rate, BiConsumer<Long, Runnable> timers) {
    this.health = health;
    this.rate = rate;
    this.timers = timers;
  }

  /** Attempts the delivery with {@code send} unless its endpoint refuses it or is over its rate. */
  Future<DeliveryOutcome> attempt(
      DeliveryRecord delivery, Function<DeliveryRecord, Future<DeliveryOutcome>> send) {
    String endpoint = EndpointKey.of(delivery.result().webhookEndpoint());
    if (endpoint == null) {
      return send.apply(delivery); // the sender says what is wrong with the URL
    }
    if (health.disabled(endpoint)) {
      return Future.succeededFuture(
          DeliveryOutcome.endpointDisabled(
              DeadLetterHeaders.ENDPOINT_DISABLED
                  + ": "
                  + endpoint
                  + " failed every attempt for ENDPOINT_DISABLE_AFTER and is disabled; no"
                  + " webhook was sent (POST /ops/endpoints/enable, then replay)"));
    }
    long waitNanos = rate.reserve(endpoint);
    if (waitNanos == EndpointRate.TOO_LONG) {
      return Future.succeededFuture(
          DeliveryOutcome.deferred("endpoint over WEBHOOK_ENDPOINT_RATE: " + endpoint));
    }
    if (waitNanos <= 0) {
      return timed(endpoint, delivery, send);
    }
    Promise<DeliveryOutcome> turn = Promise.promise();
    timers.accept(
        Math.max(1, waitNanos / 1_000_000), () -> timed(endpoint, delivery, send).onComplete(turn));
    return turn.future();
  }

  private Future<DeliveryOutcome> timed(
      String endpoint,
      DeliveryRecord delivery,
      Function<DeliveryRecord, Future<DeliveryOutcome>> send) {
    long start = System.nanoTime();
    Future<DeliveryOutcome> sent;
    try {
      sent = send.apply(delivery);
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    return sent.map(
        outcome -> {
          // an attempt that reached the endpoint, or tried to: what is never sent (refused,
          // deferred, invalid) says nothing of the endpoint's health, and took no time of it
          switch (outcome.kind()) {
            case DELIVERED, RETRY, GONE -> {
              long elapsed = System.nanoTime() - start;
              health.attempted(endpoint, delivery.result().project(), outcome.delivered(), elapsed);
              return outcome.withLatencyMs(elapsed / 1_000_000);
            }
            default -> {
              return outcome;
            }
          }
        });
  }
}
