package dev.hookrun.common.kafka;

/** The names of the platform's topics, all under one prefix. Every record is keyed by run id. */
public record Topics(String prefix) {

  /** Predict requests accepted by a gateway, consumed by the workers. */
  public String requests() {
    return prefix + "requests";
  }

  /** Final outcomes of runs, produced by the workers, consumed by the webhook dispatchers. */
  public String results() {
    return prefix + "results";
  }

  /** The latest full state of each run (compacted), read by every gateway. */
  public String runState() {
    return prefix + "run-state";
  }

  /** Cancel commands for runs, read by every worker (a broadcast, not a group). */
  public String cancels() {
    return prefix + "cancels";
  }

  /** Webhook deliveries waiting for their n-th retry (n from 1). */
  public String retryTier(int n) {
    return prefix + "webhook-retry-" + n;
  }

  /** Webhook deliveries that failed every attempt, kept for an operator. */
  public String deadLetters() {
    return prefix + "webhook-dlq";
  }
}
