package dev.hookrun.common.kafka;

/**
 * The size bounds of a predict request on its way through Kafka, all derived from BODY_LIMIT so the
 * HTTP limit, the producers' {@code max.request.size} and the requests topic's {@code
 * max.message.bytes} can never disagree. Before, a body under BODY_LIMIT could still be over the
 * producer's 1 MiB default, and the client was told to retry something that could never succeed.
 *
 * @param bodyLimit the largest request body the gateway accepts, in bytes
 */
public record RequestLimits(int bodyLimit) {

  /**
   * What the gateway adds around a body: run id, project, app, timestamps, JSON keys (a few hundred
   * bytes), plus slack for re-encoding the input (e.g. {@code 1e9} is written back as {@code
   * 1.0E9}). A record that still outgrows it is refused as too large before it is sent.
   */
  public static final int ENVELOPE_BYTES = 16 * 1024;

  /** Kafka's own batch and record headers around a value (about a hundred bytes, rounded up). */
  public static final int RECORD_OVERHEAD_BYTES = 1024;

  /** The largest request record value (key included) the gateway sends. */
  public int maxValueBytes() {
    return bodyLimit + ENVELOPE_BYTES;
  }

  /**
   * The largest request record as Kafka counts it: what the requests topic's {@code
   * max.message.bytes} and the producers' {@code max.request.size} must at least hold.
   */
  public int maxRecordBytes() {
    return maxValueBytes() + RECORD_OVERHEAD_BYTES;
  }
}
