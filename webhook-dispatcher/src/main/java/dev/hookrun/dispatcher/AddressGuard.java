package dev.hookrun.dispatcher;

import io.vertx.core.Future;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Decides, after DNS resolution, whether a webhook may be sent to a host: the defence against a
 * user pointing a webhook at our own network (SSRF). Public addresses are allowed; loopback,
 * private, link-local, CGNAT, unique-local, multicast, cloud-metadata, documentation and other
 * special-purpose addresses are refused unless an allowed network (WEBHOOK_ALLOWED_NETWORKS)
 * contains them. IPv6 forms that carry an IPv4 address (mapped, compatible, well-known NAT64, 6to4)
 * are judged by that IPv4 address, so {@code ::ffff:127.0.0.1} is loopback; local-use NAT64 and
 * Teredo addresses, whose real destination cannot be judged here, are refused.
 *
 * <p>A name that resolves to several addresses is refused if any one of them is: a name that is
 * partly internal is not one we want to reach.
 */
public final class AddressGuard {

  /**
   * Where a delivery may go: {@code address} to connect to, or {@code refusal}, a sentence for the
   * run's status.
   */
  public record Verdict(InetAddress address, String refusal) {
    public boolean allowed() {
      return refusal == null;
    }
  }

  private record Blocked(NetworkRange range, String kind) {}

  // most specific first: the metadata addresses sit inside link-local, CGNAT and unique-local
  private static final List<Blocked> BLOCKED =
      List.of(
          blocked("169.254.169.254/32", "cloud metadata"),
          blocked("169.254.170.2/32", "cloud metadata"),
          blocked("100.100.100.200/32", "cloud metadata"),
          blocked("192.0.0.192/32", "cloud metadata"),
          blocked("fd00:ec2::254/128", "cloud metadata"),
          blocked("0.0.0.0/8", "unspecified (\"this network\")"),
          blocked("10.0.0.0/8", "private"),
          blocked("100.64.0.0/10", "CGNAT (shared address space)"),
          blocked("127.0.0.0/8", "loopback"),
          blocked("169.254.0.0/16", "link-local"),
          blocked("172.16.0.0/12", "private"),
          blocked("192.0.0.0/24", "special-purpose (IETF protocol assignments)"),
          blocked("192.168.0.0/16", "private"),
          blocked("192.0.2.0/24", "documentation (TEST-NET-1)"),
          blocked("198.18.0.0/15", "special-purpose (benchmarking)"),
          blocked("198.51.100.0/24", "documentation (TEST-NET-2)"),
          blocked("203.0.113.0/24", "documentation (TEST-NET-3)"),
          blocked("224.0.0.0/4", "multicast"),
          blocked("240.0.0.0/4", "reserved (incl. broadcast)"),
          blocked("::/128", "unspecified"),
          blocked("::1/128", "loopback"),
          blocked("100::/64", "special-purpose (discard)"),
          // a local-use NAT64 prefix translates into the operator's own network, whatever the
          // IPv4 address it carries looks like
          blocked("64:ff9b:1::/48", "local-use NAT64"),
          // Teredo tunnels through a relay to an address we cannot judge from here
          blocked("2001::/32", "Teredo tunnel"),
          blocked("2001:db8::/32", "documentation"),
          blocked("fc00::/7", "unique-local"),
          blocked("fe80::/10", "link-local"),
          blocked("fec0::/10", "site-local"),
          blocked("ff00::/8", "multicast"));

  private static final NetworkRange NAT64_WELL_KNOWN = NetworkRange.parse("64:ff9b::/96");

  private final Resolver resolver;
  private final List<NetworkRange> allowed;

  public AddressGuard(Resolver resolver, List<NetworkRange> allowed) {
    this.resolver = resolver;
    this.allowed = List.copyOf(allowed);
  }

  /** The verdict on {@code host}; fails only when the name cannot be resolved (worth a retry). */
  public Future<Verdict> check(String host) {
    return resolver
        .resolve(host)
        .compose(
            addresses -> {
              if (addresses.isEmpty()) {
                return Future.failedFuture(new UnknownHostException(host + " has no address"));
              }
              for (InetAddress address : addresses) {
                String refusal = refusal(host, address);
                if (refusal != null) {
                  return Future.succeededFuture(new Verdict(null, refusal));
                }
              }
              return Future.succeededFuture(new Verdict(effective(addresses.get(0)), null));
            });
  }

  /** Why {@code address} is refused, or null when a webhook may go there. */
  String refusal(String host, InetAddress address) {
    InetAddress effective = effective(address);
    for (NetworkRange range : allowed) {
      if (range.contains(effective)) {
        return null;
      }
    }
    String kind = kind(effective);
    if (kind == null) {
      Inet4Address tunnelled = tunnelledIpv4(effective);
      String inner = tunnelled == null ? null : kind(tunnelled);
      if (inner == null) {
        return null;
      }
      kind = inner + " (inside a NAT64/6to4 address)";
    }
    String shown =
        host.equals(address.getHostAddress())
            ? host
            : host + " resolves to " + address.getHostAddress();
    String article = "aeiouAEIOU".indexOf(kind.charAt(0)) >= 0 ? ", an " : ", a ";
    return "webhook address refused: "
        + shown
        + article
        + kind
        + " address"
        + " (only public addresses are allowed unless WEBHOOK_ALLOWED_NETWORKS includes it)";
  }

  /** The kind of special-purpose address, or null for an ordinary (public) one. */
  static String kind(InetAddress address) {
    for (Blocked b : BLOCKED) {
      if (b.range().contains(address)) {
        return b.kind();
      }
    }
    return null;
  }

  /**
   * The address a connection would really reach: an IPv4-mapped or IPv4-compatible IPv6 address is
   * that IPv4 address (Java often converts the mapped form itself; an {@link Inet6Address} built
   * from raw bytes keeps it).
   */
  static InetAddress effective(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address;
    }
    byte[] b = address.getAddress();
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return address;
      }
    }
    boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    boolean compatible =
        b[10] == 0
            && b[11] == 0
            && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] & 0xfe) == 0);
    if (!mapped && !compatible) {
      return address; // :: and ::1 stay IPv6
    }
    return ipv4(b, 12);
  }

  /**
   * The IPv4 address inside a well-known-prefix NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address,
   * else null.
   */
  static Inet4Address tunnelledIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return null;
    }
    byte[] b = address.getAddress();
    if (NAT64_WELL_KNOWN.contains(address)) {
      return ipv4(b, 12);
    }
    if (b[0] == 0x20 && b[1] == 0x02) {
      return ipv4(b, 2);
    }
    return null;
  }

  private static Inet4Address ipv4(byte[] bytes, int from) {
    try {
      return (Inet4Address)
          InetAddress.getByAddress(
              new byte[] {bytes[from], bytes[from + 1], bytes[from + 2], bytes[from + 3]});
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an IPv4 address", e);
    }
  }

  private static Blocked blocked(String cidr, String kind) {
    return new Blocked(NetworkRange.parse(cidr), kind);
  }
}
