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
      InetAddress literal = literal(host);
      if (literal != null) {
        return Future.succeededFuture(List.of(literal));
      }
      // unordered: lookups of different hosts must not queue behind one slow DNS answer
      return blocking.executeBlocking(() -> List.of(InetAddress.getAllByName(host)), false);
    };
  }

  /**
   * {@code host} read as an IP address, never looked up, or null when it is not one (a name, the
   * JDK's legacy short forms such as 127.1, or a scoped IPv6 address, whose scope is looked up
   * among the interfaces): those take the blocking path. An IPv4-mapped IPv6 address comes back as
   * the IPv4 address it carries, as from the JDK's lookup.
   */
  static InetAddress literal(String host) {
    byte[] address =
        host.indexOf('%') < 0 ? NetUtil.createByteArrayFromIpAddressString(host) : null;
    if (address == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(address);
    } catch (UnknownHostException e) {
      return null; // not 4 or 16 bytes: cannot happen for a parsed address
    }
  }
}
