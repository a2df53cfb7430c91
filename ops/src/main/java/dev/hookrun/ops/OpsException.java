package dev.hookrun.ops;

/** A failure an operator can act on, with a message written for them (no stack trace). */
public final class OpsException extends RuntimeException {

  public enum Kind {
    /** Unknown topic, run or dead letter: HTTP 404. */
    NOT_FOUND(404, "not_found"),
    /** A bad argument: HTTP 400. */
    BAD_REQUEST(400, "bad_request"),
    /** Kafka did not answer in time: HTTP 503. */
    UNAVAILABLE(503, "kafka_unavailable");

    public final int status;
    public final String code;

    Kind(int status, String code) {
      this.status = status;
      this.code = code;
    }
  }

  private final Kind kind;

  public OpsException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public static OpsException notFound(String message) {
    return new OpsException(Kind.NOT_FOUND, message);
  }

  public static OpsException badRequest(String message) {
    return new OpsException(Kind.BAD_REQUEST, message);
  }

  public static OpsException unavailable(String message) {
    return new OpsException(Kind.UNAVAILABLE, message);
  }

  public Kind kind() {
    return kind;
  }
}
