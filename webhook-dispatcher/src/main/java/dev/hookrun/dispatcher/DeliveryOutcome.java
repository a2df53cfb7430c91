package dev.hookrun.dispatcher;

/**
 * What one webhook attempt came to.
 *
 * @param statusCode the receiver's HTTP status, or 0 when no answer came (connect error, timeout)
 * @param error a description of the failure, null when delivered
 */
public record DeliveryOutcome(boolean delivered, int statusCode, String error) {

  static DeliveryOutcome answered(int statusCode) {
    boolean ok = statusCode >= 200 && statusCode < 300;
    return new DeliveryOutcome(ok, statusCode, ok ? null : "HTTP " + statusCode);
  }

  static DeliveryOutcome noAnswer(String error) {
    return new DeliveryOutcome(false, 0, error);
  }
}
