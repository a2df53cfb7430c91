package dev.hookrun.ops;

import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.ops.model.GroupsReport;
import dev.hookrun.ops.model.PeekQuery;
import dev.hookrun.ops.model.PeekResult;
import dev.hookrun.ops.model.TopicInfo;
import dev.hookrun.ops.model.Trace;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's questions about the platform, answered from Kafka: the one API behind both the
 * {@code ops} CLI and the gateway's {@code /ops} routes. Every method blocks (bounded by the
 * timeout per Kafka call): run it off the event loop.
 */
public final class OpsService {

  /** Per Kafka call: an unreachable broker is reported within about this long. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(8);

  /** A peek or trace stops reading after this long or this many records. */
  private static final Duration READ_BUDGET = Duration.ofSeconds(20);

  private static final long MAX_SCANNED = 2_000_000;

  private static final Logger LOG = LoggerFactory.getLogger(OpsService.class);

  private final KafkaAccess access;
  private final TopicInspector topics;
  private final GroupInspector groups;
  private final RecordPeeker peeker;
  private final RunTracer tracer;
  private final DeadLetterStore deadLetters;
  private final EndpointStore endpoints;
  private final Redeliveries redeliveries;

  private OpsService(KafkaAccess access) {
    TopicCatalog catalog = new TopicCatalog(access.kafka().topics());
    RecordReader reader = new RecordReader(access, READ_BUDGET, MAX_SCANNED);
    this.access = access;
    this.topics = new TopicInspector(access, catalog);
    this.groups = new GroupInspector(access, catalog);
    this.peeker = new RecordPeeker(access, catalog, reader);
    this.tracer = new RunTracer(access, catalog, reader);
    this.deadLetters = new DeadLetterStore(access, catalog);
    this.endpoints = new EndpointStore(access);
    this.redeliveries = new Redeliveries(access, java.time.Clock.systemUTC());
  }

  public static OpsService create(KafkaSettings kafka) {
    return create(kafka, DEFAULT_TIMEOUT);
  }

  public static OpsService create(KafkaSettings kafka, Duration timeout) {
    return new OpsService(new KafkaAccess(kafka, timeout));
  }

  public KafkaSettings kafka() {
    return access.kafka();
  }

  public List<TopicInfo> topics() {
    return access.withAdmin(topics::topics);
  }

  public GroupsReport groups() {
    return access.withAdmin(groups::groups);
  }

  public PeekResult peek(PeekQuery query) {
    return access.withAdmin(admin -> peeker.peek(admin, query));
  }

  public Trace trace(String runId) {
    Trace trace = access.withAdmin(admin -> tracer.trace(admin, runId));
    LOG.atDebug()
        .addKeyValue("run_id", runId)
        .log("traced run {}: {} records", runId, trace.entries().size());
    return trace;
  }

  /**
   * Sends a delivered run's webhook once more, on purpose: NOT_FOUND without a result or endpoint,
   * NOT_DELIVERED while its webhook is not delivered.
   */
  public JsonObject redeliver(String runId) {
    return redeliveries.redeliver(trace(runId));
  }

  public DeadLetterStore deadLetters() {
    return deadLetters;
  }

  public EndpointStore endpoints() {
    return endpoints;
  }
}
