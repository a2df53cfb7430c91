package dev.hookrun.common.run;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Record headers the stages write so that readers which need only a run's identity (every gateway's
 * view of the requests topic, the dispatcher skipping {@code running} records on the results topic)
 * can route and fold a record without decoding its JSON value.
 */
public final class RunHeaders {

  /**
   * What a record on the results topic is: {@link #KIND_RUNNING}, {@link #KIND_PROGRESS} or {@link
   * #KIND_OUTCOME}.
   */
  public static final String KIND = "hookrun-kind";

  public static final String KIND_RUNNING = "running";
  public static final String KIND_OUTCOME = "outcome";
  public static final String KIND_PROGRESS = "progress";

  /**
   * A batch's completion on the results topic, keyed by batch id: an outcome for the dispatchers
   * (its webhook is {@code batch.completed}), nothing for the scheduler.
   */
  public static final String KIND_BATCH = "batch";

  /** On requests: the run's project, app, creation time (epoch ms) and webhook endpoint. */
  public static final String PROJECT = "hookrun-project";

  public static final String APP = "hookrun-app";
  public static final String CREATED_AT = "hookrun-created-at";
  public static final String WEBHOOK = "hookrun-webhook";

  /**
   * On a released run (work topic): which time the scheduler hands it to the workers (1, 2, …); it
   * goes up when the worker holding the run stopped heartbeating before the run ended.
   */
  public static final String ATTEMPT = "hookrun-attempt";

  /**
   * On requests: the run's {@link Priority} as its wire name (a request without it, written before
   * the header existed, is {@code normal}).
   */
  public static final String PRIORITY = "hookrun-priority";

  /** On a request with a start time ahead: that time (epoch ms). */
  public static final String SCHEDULED_FOR = "hookrun-scheduled-for";

  /** On a request that is an item of a batch: the batch's id, the item's index and custom id. */
  public static final String BATCH = "hookrun-batch";

  public static final String BATCH_INDEX = "hookrun-batch-index";
  public static final String CUSTOM_ID = "hookrun-custom-id";

  /**
   * On a request sent with an Idempotency-Key: a digest of its body, which a repeat of the key must
   * match.
   */
  public static final String REQUEST_HASH = "hookrun-request-hash";

  /** On a request that retries a finished run: that run's id. */
  public static final String RETRY_OF = "hookrun-retry-of";

  /**
   * On a delivery state (deliveries topic): the stage that wrote it, the same as its {@code source}
   * field, so that readers wanting one stage's states skip the others without decoding them.
   */
  public static final String SOURCE = "hookrun-source";

  private RunHeaders() {}

  /** The last value of {@code name} as text, or null when absent. */
  public static String text(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** A results record is an outcome unless it says otherwise (records from before the header). */
  public static boolean isOutcome(Headers headers) {
    String kind = text(headers, KIND);
    return kind == null || kind.equals(KIND_OUTCOME);
  }

  /** The kind of a results record ({@link #KIND_OUTCOME} when it says none). */
  public static String kind(Headers headers) {
    String kind = text(headers, KIND);
    return kind == null ? KIND_OUTCOME : kind;
  }

  /** A request's priority from its header; {@link Priority#NORMAL} when absent or unknown. */
  public static Priority priority(Headers headers) {
    String wire = text(headers, PRIORITY);
    return wire == null ? Priority.NORMAL : Priority.fromWire(wire).orElse(Priority.NORMAL);
  }

  public static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  public static Instant instant(Headers headers, String name) {
    String value = text(headers, name);
    if (value == null) {
      return null;
    }
    try {
      return Instant.ofEpochMilli(Long.parseLong(value));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
