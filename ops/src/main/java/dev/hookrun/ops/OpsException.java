package dev.hookrun.ops;

import dev.hookrun.common.http.ErrorCode;

/** A failure an operator can act on, with a message written for them (no stack trace). */
public final class OpsException extends RuntimeException {

  public enum Kind {
    /** Unknown topic, run or dead letter: HTTP 404. */
    NOT_FOUND(ErrorCode.NOT_FOUND),
    /** A bad argument: HTTP 400. */
    BAD_REQUEST(ErrorCode.BAD_REQUEST),
    /** A redelivery of a run whose webhook was not delivered: HTTP 409. */
    NOT_DELIVERED(ErrorCode.WEBHOOK_NOT_DELIVERED),
    /** Kafka did not answer in time: HTTP 503. */
    UNAVAILABLE(ErrorCode.KAFKA_UNAVAILABLE);

    public final ErrorCode code;

    Kind(ErrorCode code) {
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
