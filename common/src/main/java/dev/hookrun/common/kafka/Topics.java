package dev.hookrun.common.kafka;

/** The names of the platform's topics, all under one prefix. Every record is keyed by run id. */
public record Topics(String prefix) {

  /** Short names (the name after the prefix): the one place they are spelled. */
  public static final String REQUESTS = "requests";

  public static final String RESULTS = "results";
  public static final String RUN_STATE = "run-state";
  public static final String CANCELS = "cancels";
  public static final String WORK = "work";
  public static final String WORKERS = "workers";
  public static final String RETRY_TIER = "webhook-retry-";
  public static final String DEAD_LETTERS = "webhook-dlq";

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

  /** Final outcomes of runs, produced by the workers, consumed by the webhook dispatchers. */
  public String results() {
    return prefix + RESULTS;
  }

  /** The latest full state of each run (compacted), read by every gateway. */
  public String runState() {
    return prefix + RUN_STATE;
  }

  /** Cancel commands for runs, read by every worker (a broadcast, not a group). */
  public String cancels() {
    return prefix + CANCELS;
  }

  /** Webhook deliveries waiting for their n-th retry (n from 1). */
  public String retryTier(int n) {
    return prefix + RETRY_TIER + n;
  }

  /** Webhook deliveries that failed every attempt, kept for an operator. */
  public String deadLetters() {
    return prefix + DEAD_LETTERS;
  }
}
