package dev.hookrun.dispatcher;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.net.InetAddress;
import java.util.List;

/**
 * Turns a host name into addresses. The address guard checks exactly what this returns and the
 * sender connects to the checked address, so a second lookup (DNS rebinding) never happens. Tests
 * inject one that maps made-up names to private addresses.
 */
@FunctionalInterface
public interface Resolver {

  /** Fails (e.g. with {@link java.net.UnknownHostException}) when the name does not resolve. */
  Future<List<InetAddress>> resolve(String host);

  /** The system resolver (hosts file, then DNS), run off the event loop because it blocks. */
  static Resolver system(WorkerExecutor blocking) {
    // unordered: lookups of different hosts must not queue behind one slow DNS answer
    return host -> blocking.executeBlocking(() -> List.of(InetAddress.getAllByName(host)), false);
  }
}
