package dev.hookrun.local;

import dev.hookrun.dispatcher.DispatcherConfig;

/** A started local run, in one process or one per stage: what its banner tells the user. */
interface RunningStack {

  /** The address the gateway listens on. */
  String gatewayHost();

  int gatewayPort();

  String bootstrapServers();

  LocalStackConfig config();

  /** The dispatcher's configuration as started. */
  DispatcherConfig dispatcherConfig();

  /** Stops the stages first (workers drain and commit), then the broker. */
  void stop();
}
