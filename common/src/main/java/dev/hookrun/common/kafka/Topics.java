package dev.hookrun.common.kafka;

/**
 * The names of the platform's topics, all under one prefix. Every record is keyed by run id, but
 * the endpoints topic's (keyed by webhook endpoint).
 */
public record Topics(String prefix) {

  /** Short names (the name after the prefix): the one place they are spelled. */
  public static final String REQUESTS = "requests";

  public static final String RESULTS = "results";
  public static final String DELIVERIES = "deliveries";
  public static final String CANCELS = "cancels";
  public static final String WORK = "work";
  public static final String WORKERS = "workers";
  public static final String BATCHES = "batches";
  public static final String RETRY_TIER = "webhook-retry-";
  public static final String DEAD_LETTERS = "webhook-dlq";
  public static final String ENDPOINTS = "endpoints";

  /**
   * The retry tier a short name stands for ({@code webhook-retry-3}: 3), or 0 for any other topic.
   */
  public static int retryTierOf(String shortName) {
    if (!shortName.startsWith(RETRY_TIER)) {
      return 0;
    }
    String n = shortName.substring(RETRY_TIER.length());
    return n.matches("[1-9]\\d{0,8}") ? Integer.parseInt(n) : 0;
  }

  /** Predict requests accepted by a gateway, consumed by the scheduler. */
  public String requests() {
    return prefix + REQUESTS;
  }

  /**
   * Runs the scheduler released in fair order as worker slots free up, taken by whichever worker is
   * free (the workers' share group).
   */
  public String work() {
    return prefix + WORK;
  }

  /** Each worker process's heartbeat (compacted, keyed by worker id): slots and liveness. */
  public String workers() {
    return prefix + WORKERS;
  }

  /**
   * What the workers say of each run (headers tell the kind): {@code running} when one starts it,
   * its progress, and its outcome; read by the dispatchers (outcomes and lifecycle events), the
   * scheduler (a slot freed) and every gateway's view.
   */
  public String results() {
    return prefix + RESULTS;
  }

  /**
   * Each run's webhook delivery, step by step (attempt, retry planned, dead letter, replay), keyed
   * by run id and compacted to the newest step: written by the dispatchers only, read by every
   * gateway's view and by the dispatchers' ledger at start.
   */
  public String deliveries() {
    return prefix + DELIVERIES;
  }

  /**
   * Cancel and purge commands, read whole by every worker (a broadcast, not a group), the scheduler
   * (a queued run never released) and every gateway's view.
   */
  public String cancels() {
    return prefix + CANCELS;
  }

  /**
   * Each batch's description (project, app, size, webhook), keyed by batch id and compacted; its
   * members are the requests that name it in a header. Written and read by the gateways.
   */
  public String batches() {
    return prefix + BATCHES;
  }

  /** Webhook deliveries waiting for their n-th retry (n from 1). */
  public String retryTier(int n) {
    return prefix + RETRY_TIER + n;
  }

  /** Webhook deliveries that failed every attempt, kept for an operator. */
  public String deadLetters() {
    return prefix + DEAD_LETTERS;
  }

  /**
   * Each webhook endpoint's health (counts, last success, failing streak) and its disable and
   * enable decisions, keyed by endpoint and compacted: written by every dispatcher and by ops'
   * enable, read whole by every dispatcher and by ops.
   */
  public String endpoints() {
    return prefix + ENDPOINTS;
  }
}
