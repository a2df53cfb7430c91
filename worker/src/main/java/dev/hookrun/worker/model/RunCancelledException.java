package dev.hookrun.worker.model;

/** The failure of a run that was stopped from outside (cancel, timeout, rebalance, shutdown). */
public final class RunCancelledException extends RuntimeException {
  public RunCancelledException() {
    super("run cancelled", null, false, false);
  }
}
