package dev.hookrun.gateway;

import dev.hookrun.common.run.Priority;
import dev.hookrun.common.run.WebhookState;
import java.time.Instant;

/**
 * Combines what a reader knew with a newer record of the same run. Records come from several stages
 * (and, after a worker was replaced, from more than one worker), so the latest record is not always
 * the most advanced: a final state is never replaced by a non-final one, a worker's outcome
 * replaces a gateway's cancel (the run had already finished), and webhook progress only moves
 * forward.
 *
 * <p>Its own class because these rules are the one place where the order of facts matters; {@link
 * RunState} only holds the values and makes them from each stage's fact.
 */
final class RunStateMerge {

  private RunStateMerge() {}

  static RunState merge(RunState current, RunState incoming) {
    if (current == null) {
      return incoming;
    }
    RunState run = current;
    if (!current.status().isFinal()) {
      if (incoming.status().isFinal()
          || incoming.status().ordinal() >= current.status().ordinal()) {
        run = incoming;
      }
    } else if (incoming.status().isFinal()
        && current.workerId() == null
        && (incoming.workerId() != null || "dispatcher".equals(current.source()))) {
      run = incoming;
    }
    WebhookState webhook = current.webhook();
    if (incoming.webhook() != null
        && (webhook == null || incoming.webhook().progress() >= webhook.progress())) {
      webhook = incoming.webhook();
    }
    // only the request carries the priority and start time: the worker's and dispatcher's facts
    // keep them
    Priority priority = current.priority() != null ? current.priority() : incoming.priority();
    Instant scheduledFor =
        current.scheduledFor() != null ? current.scheduledFor() : incoming.scheduledFor();
    return run.withWebhook(webhook, run.source(), incoming.updatedAt())
        .withPriority(priority)
        .withScheduledFor(scheduledFor);
  }
}
