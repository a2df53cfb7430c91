package dev.hookrun.common.run;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The shape of an outcome on the results topic, for every stage that settles a run: the worker that
 * ran it, and the scheduler for a run it settles without a worker (cancelled or expired while
 * queued). Keyed by run id, marked {@link RunHeaders#KIND_OUTCOME}.
 */
public final class OutcomeRecords {

  private OutcomeRecords() {}

  public static ProducerRecord<String, String> of(String resultsTopic, RunResult result) {
    return of(resultsTopic, result.runId(), result.toJson().encode());
  }

  /** For a caller that encoded the value already (to measure it). */
  public static ProducerRecord<String, String> of(
      String resultsTopic, String runId, String encodedResult) {
    var record = new ProducerRecord<String, String>(resultsTopic, runId, encodedResult);
    record.headers().add(RunHeaders.KIND, RunHeaders.bytes(RunHeaders.KIND_OUTCOME));
    return record;
  }
}
