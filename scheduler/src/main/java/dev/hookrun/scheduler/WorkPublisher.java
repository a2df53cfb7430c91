package dev.hookrun.scheduler;

import dev.hookrun.common.kafka.DurableProducer;
import dev.hookrun.common.kafka.Topics;
import dev.hookrun.common.run.OutcomeRecords;
import dev.hookrun.common.run.RunError;
import dev.hookrun.common.run.RunHeaders;
import dev.hookrun.common.run.RunRequest;
import dev.hookrun.common.run.RunResult;
import dev.hookrun.common.run.RunStatus;
import java.time.Clock;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the scheduler's decisions: a released run to the work topic (the request's value and
 * headers unchanged, plus its attempt) and an outcome the scheduler settles itself to the results
 * topic. Both are sent until Kafka acknowledges them; the request's offset stays uncommitted until
 * the run's outcome is read back, so a crash in between loses nothing.
 */
final class WorkPublisher implements Scheduler.Outbox {

  /** The {@code worker_id} of outcomes no worker wrote. */
  static final String SETTLED_BY = "scheduler";

  private static final Logger LOG = LoggerFactory.getLogger(WorkPublisher.class);

  private final DurableProducer durable;
  private final Topics topics;
  private final Clock clock;

  WorkPublisher(DurableProducer durable, Topics topics, Clock clock) {
    this.durable = durable;
    this.topics = topics;
    this.clock = clock;
  }

  @Override
  public void release(RequestRecord run, int attempt) {
    var record = new ProducerRecord<String, String>(topics.work(), run.runId(), run.value());
    for (Header header : run.headers()) {
      if (!header.key().equals(RunHeaders.ATTEMPT)) {
        record.headers().add(header);
      }
    }
    record.headers().add(RunHeaders.ATTEMPT, RunHeaders.bytes(Integer.toString(attempt)));
    durable
        .send(record)
        .onFailure(
            e -> {
              if (DurableProducer.permanent(e)) {
                // the work topic takes what the requests topic took, so this is a misconfigured
                // topic: the run ends with the reason rather than holding a slot for ever
                LOG.error(
                    "run {}: the work topic refused it for good: {}", run.runId(), e.toString());
                settle(
                    run.request(),
                    RunStatus.FAILED,
                    new RunError(
                        "not_released",
                        "Kafka refused to hand the run to the workers: " + e.getMessage()));
              }
            });
  }

  @Override
  public void settle(RunRequest request, RunStatus status, RunError error) {
    RunResult outcome =
        RunResult.of(request, status, null, error, null, clock.instant(), SETTLED_BY);
    durable
        .send(OutcomeRecords.of(topics.results(), outcome))
        .onFailure(
            e -> {
              if (!(e instanceof DurableProducer.Stopping)) {
                LOG.error(
                    "run {}: its {} outcome was not written: {}",
                    request.runId(),
                    status.wire(),
                    e.toString());
              }
            });
  }
}
