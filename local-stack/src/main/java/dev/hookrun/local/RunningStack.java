package dev.hookrun.local;

import dev.hookrun.dispatcher.DispatcherConfig;

/** A started local run, in one process or one per stage: what its banner tells the user. */
interface RunningStack {

  /** The address the gateway listens on. */
  String gatewayHost();

  int gatewayPort();

  /** The address of the gateway's admin listener ({@code /metrics}, {@code /ops}). */
  String adminHost();

  /** The admin listener's port, as bound (ADMIN_HTTP_PORT 0 is a free port). */
  int adminPort();

  /** Whether {@code /ops} answers (ADMIN_KEY is set). */
  boolean opsEnabled();

  String bootstrapServers();

  LocalStackConfig config();

  /** The dispatcher's configuration as started. */
  DispatcherConfig dispatcherConfig();

  /** Stops the stages first (workers drain and commit), then the broker. */
  void stop();
}
