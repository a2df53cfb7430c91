package dev.hookrun.gateway;

import dev.hookrun.common.http.ApiError;
import dev.hookrun.common.http.ErrorCode;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/**
 * Answers requests the HTTP decoder could not read (a request line or headers over Netty's limits,
 * a malformed request) with the same JSON error as every other answer, instead of Vert.x's empty
 * default.
 */
final class InvalidRequests implements Handler<HttpServerRequest> {

  @Override
  public void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ApiError error;
    if (cause instanceof TooLongFrameException
        && String.valueOf(cause.getMessage()).startsWith("An HTTP line")) {
      error = ApiError.of(ErrorCode.URI_TOO_LONG, "The request line is too long.");
    } else if (cause instanceof TooLongFrameException) {
      error = ApiError.of(ErrorCode.HEADERS_TOO_LARGE, "The request headers are too large.");
    } else {
      error = ApiError.of(ErrorCode.INVALID_REQUEST, "The request is not valid HTTP.");
    }
    // the connection's state after a decoding failure is unknown: answer, then close it
    request
        .response()
        .setStatusCode(error.status())
        .putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close")
        .end(error.toJson().encode());
  }
}
