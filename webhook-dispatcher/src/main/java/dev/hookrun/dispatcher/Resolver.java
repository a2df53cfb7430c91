package dev.hookrun.dispatcher;

import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.net.InetAddress;
import java.net.UnknownHostException;
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

  /**
   * The system resolver (hosts file, then DNS), run off the event loop because it blocks. An
   * address written as one needs no lookup, so it is read on the spot: a trip to the blocking pool
   * and back for every delivery was one of a run's thread switches.
   */
  static Resolver system(WorkerExecutor blocking) {
    return host -> {
      if (isLiteral(host)) {
        try {
          return Future.succeededFuture(List.of(InetAddress.getAllByName(host)));
        } catch (UnknownHostException e) {
          return Future.failedFuture(e);
        }
      }
      // unordered: lookups of different hosts must not queue behind one slow DNS answer
      return blocking.executeBlocking(() -> List.of(InetAddress.getAllByName(host)), false);
    };
  }

  /**
   * Whether {@code host} is an IP address the JDK reads without a lookup. A scoped IPv6 address
   * (fe80::1%eth0) is left to the blocking path: its scope is looked up among the interfaces.
   */
  static boolean isLiteral(String host) {
    return host.indexOf('%') < 0
        && (NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host));
  }
}
