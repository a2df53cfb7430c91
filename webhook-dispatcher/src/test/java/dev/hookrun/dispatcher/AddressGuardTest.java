package dev.hookrun.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The guard's verdicts, with a resolver that maps made-up names to chosen addresses: nothing is
 * looked up and nothing is connected to.
 */
class AddressGuardTest {

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** ::ffff:a.b.c.d kept as an Inet6Address (InetAddress.getByName would turn it into IPv4). */
  private static InetAddress mapped(String ipv4) {
    byte[] v4 = ip(ipv4).getAddress();
    byte[] v6 = new byte[16];
    v6[10] = (byte) 0xff;
    v6[11] = (byte) 0xff;
    System.arraycopy(v4, 0, v6, 12, 4);
    try {
      return Inet6Address.getByAddress(null, v6, -1);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static final Map<String, List<InetAddress>> NAMES =
      Map.ofEntries(
          Map.entry("public.test", List.of(ip("93.184.216.34"))),
          Map.entry("public6.test", List.of(ip("2606:2800:220:1:248:1893:25c8:1946"))),
          Map.entry("loopback.test", List.of(ip("127.0.0.1"))),
          Map.entry("loopback-high.test", List.of(ip("127.45.6.7"))),
          Map.entry("loopback6.test", List.of(ip("::1"))),
          Map.entry("private10.test", List.of(ip("10.1.2.3"))),
          Map.entry("private172.test", List.of(ip("172.20.0.5"))),
          Map.entry("private192.test", List.of(ip("192.168.1.10"))),
          Map.entry("linklocal.test", List.of(ip("169.254.10.20"))),
          Map.entry("linklocal6.test", List.of(ip("fe80::1"))),
          Map.entry("cgnat.test", List.of(ip("100.64.1.1"))),
          Map.entry("ula.test", List.of(ip("fd12:3456:789a::1"))),
          Map.entry("multicast.test", List.of(ip("224.0.0.251"))),
          Map.entry("multicast6.test", List.of(ip("ff02::1"))),
          Map.entry("metadata.test", List.of(ip("169.254.169.254"))),
          Map.entry("metadata-ecs.test", List.of(ip("169.254.170.2"))),
          Map.entry("metadata-alibaba.test", List.of(ip("100.100.100.200"))),
          Map.entry("metadata6.test", List.of(ip("fd00:ec2::254"))),
          Map.entry("unspecified.test", List.of(ip("0.0.0.0"))),
          Map.entry("unspecified6.test", List.of(ip("::"))),
          Map.entry("broadcast.test", List.of(ip("255.255.255.255"))),
          Map.entry("mapped-loopback.test", List.of(mapped("127.0.0.1"))),
          Map.entry("mapped-private.test", List.of(mapped("10.0.0.1"))),
          Map.entry("mapped-metadata.test", List.of(mapped("169.254.169.254"))),
          Map.entry("mapped-public.test", List.of(mapped("93.184.216.34"))),
          Map.entry("nat64-private.test", List.of(ip("64:ff9b::a00:1"))),
          Map.entry("6to4-loopback.test", List.of(ip("2002:7f00:1::1"))),
          Map.entry("doc1.test", List.of(ip("192.0.2.10"))),
          Map.entry("doc2.test", List.of(ip("198.51.100.7"))),
          Map.entry("doc3.test", List.of(ip("203.0.113.200"))),
          Map.entry("doc6.test", List.of(ip("2001:db8:85a3::8a2e:370:7334"))),
          Map.entry("mapped-doc.test", List.of(mapped("203.0.113.5"))),
          Map.entry("mapped-cgnat.test", List.of(mapped("100.64.0.9"))),
          Map.entry("nat64-public.test", List.of(ip("64:ff9b::5db8:d822"))),
          Map.entry("nat64-loopback.test", List.of(ip("64:ff9b::7f00:1"))),
          Map.entry("nat64-local-public.test", List.of(ip("64:ff9b:1::5db8:d822"))),
          Map.entry("nat64-local.test", List.of(ip("64:ff9b:1:abcd::1"))),
          Map.entry("teredo.test", List.of(ip("2001:0:4136:e378:8000:63bf:3fff:fdd2"))),
          Map.entry("mixed.test", List.of(ip("93.184.216.34"), ip("10.0.0.7"))));

  private static final Resolver FAKE =
      host -> {
        List<InetAddress> found = NAMES.get(host);
        return found == null
            ? Future.failedFuture(new UnknownHostException(host))
            : Future.succeededFuture(found);
      };

  private static AddressGuard.Verdict verdict(AddressGuard guard, String host) {
    return guard.check(host).await();
  }

  @ParameterizedTest(name = "{0} is refused as {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "loopback.test         | loopback",
        "loopback-high.test    | loopback",
        "loopback6.test        | loopback",
        "private10.test        | private",
        "private172.test       | private",
        "private192.test       | private",
        "linklocal.test        | link-local",
        "linklocal6.test       | link-local",
        "cgnat.test            | CGNAT",
        "ula.test              | unique-local",
        "multicast.test        | multicast",
        "multicast6.test       | multicast",
        "metadata.test         | cloud metadata",
        "metadata-ecs.test     | cloud metadata",
        "metadata-alibaba.test | cloud metadata",
        "metadata6.test        | cloud metadata",
        "unspecified.test      | unspecified",
        "unspecified6.test     | unspecified",
        "broadcast.test        | reserved",
        "mapped-loopback.test  | loopback",
        "mapped-private.test   | private",
        "mapped-metadata.test  | cloud metadata",
        "nat64-private.test    | private",
        "6to4-loopback.test    | loopback",
        "mixed.test            | private",
        "doc1.test             | documentation",
        "doc2.test             | documentation",
        "doc3.test             | documentation",
        "doc6.test             | documentation",
        "mapped-doc.test       | documentation",
        "mapped-cgnat.test     | CGNAT",
        "nat64-loopback.test   | loopback",
        "nat64-local-public.test | local-use NAT64",
        "nat64-local.test      | local-use NAT64",
        "teredo.test           | Teredo"
      })
  void everySpecialPurposeClassIsRefusedByDefault(String host, String kind) {
    AddressGuard.Verdict v = verdict(new AddressGuard(FAKE, List.of()), host);
    assertFalse(v.allowed(), host + " should be refused");
    assertTrue(v.refusal().contains(kind), v.refusal());
    assertTrue(v.refusal().contains(host), "names the host: " + v.refusal());
    assertTrue(
        v.refusal().contains("WEBHOOK_ALLOWED_NETWORKS"), "says how to allow it: " + v.refusal());
  }

  @Test
  void publicAddressesAreAllowedAndTheCheckedAddressIsTheOneToConnectTo() {
    AddressGuard guard = new AddressGuard(FAKE, List.of());
    assertEquals(ip("93.184.216.34"), verdict(guard, "public.test").address());
    assertEquals(
        ip("2606:2800:220:1:248:1893:25c8:1946"), verdict(guard, "public6.test").address());
    // a mapped public address is connected to as the IPv4 address it stands for
    assertEquals(ip("93.184.216.34"), verdict(guard, "mapped-public.test").address());
    // the well-known NAT64 prefix around a public IPv4 address is a public address
    assertEquals(ip("64:ff9b::5db8:d822"), verdict(guard, "nat64-public.test").address());
  }

  @Test
  void anAllowListOpensExactlyItsRanges() {
    AddressGuard guard =
        new AddressGuard(
            FAKE, List.of(NetworkRange.parse("10.0.0.0/8"), NetworkRange.parse("::1/128")));
    assertTrue(verdict(guard, "private10.test").allowed());
    assertTrue(verdict(guard, "mapped-private.test").allowed(), "::ffff:10.0.0.1 is 10.0.0.1");
    assertTrue(verdict(guard, "loopback6.test").allowed());
    assertFalse(verdict(guard, "loopback.test").allowed(), "127.0.0.1 is not in the list");
    assertFalse(verdict(guard, "private192.test").allowed());
    assertTrue(verdict(guard, "public.test").allowed(), "public addresses need no listing");
  }

  @Test
  void loopbackIsAllowedOnlyWhenListed() {
    AddressGuard closed = new AddressGuard(FAKE, List.of());
    AddressGuard open = new AddressGuard(FAKE, List.of(NetworkRange.parse("127.0.0.0/8")));
    assertFalse(verdict(closed, "loopback.test").allowed());
    assertTrue(verdict(open, "loopback.test").allowed());
    assertTrue(verdict(open, "mapped-loopback.test").allowed());
    assertEquals(ip("127.0.0.1"), verdict(open, "mapped-loopback.test").address());
  }

  @Test
  void aNameThatDoesNotResolveFailsTheCheck() {
    AddressGuard guard = new AddressGuard(FAKE, List.of());
    assertThrows(Exception.class, () -> guard.check("nowhere.test").await());
  }

  @Test
  void onlyHttpAndHttpsUrlsAreTargets() {
    assertThrows(IllegalArgumentException.class, () -> WebhookTarget.parse("ftp://example.com/x"));
    assertThrows(IllegalArgumentException.class, () -> WebhookTarget.parse("file:///etc/passwd"));
    assertThrows(
        IllegalArgumentException.class, () -> WebhookTarget.parse("gopher://127.0.0.1:6379/_x"));
    assertThrows(IllegalArgumentException.class, () -> WebhookTarget.parse("not a url"));
    assertThrows(IllegalArgumentException.class, () -> WebhookTarget.parse("http:///nohost"));
    WebhookTarget t = WebhookTarget.parse("HTTPS://Hooks.Example.com/a/b?x=1#frag");
    assertTrue(t.ssl());
    assertEquals("hooks.example.com", t.host());
    assertEquals(443, t.port());
    assertEquals("hooks.example.com:443", t.authority());
    assertEquals("/a/b?x=1", t.requestUri());
    WebhookTarget v6 = WebhookTarget.parse("http://[::1]:8080");
    assertEquals("::1", v6.host());
    assertEquals("/", v6.requestUri());
  }

  @Test
  void cidrBlocksParseAndMatch() {
    NetworkRange r = NetworkRange.parse("172.16.0.0/12");
    assertTrue(r.contains(ip("172.31.255.255")));
    assertFalse(r.contains(ip("172.32.0.0")));
    assertFalse(r.contains(ip("::1")), "families never match");
    assertTrue(NetworkRange.parse("10.1.2.3").contains(ip("10.1.2.3")));
    assertTrue(NetworkRange.parse("fd00::/8").contains(ip("fd12::1")));
    assertThrows(IllegalArgumentException.class, () -> NetworkRange.parse("10.0.0.0/33"));
    assertThrows(IllegalArgumentException.class, () -> NetworkRange.parse("300.0.0.0/8"));
    assertThrows(IllegalArgumentException.class, () -> NetworkRange.parse("example.com/8"));
    assertThrows(IllegalArgumentException.class, () -> NetworkRange.parse("10.0.0.0/x"));
  }

  @Test
  void publicAddressesHaveNoKind() {
    assertNull(AddressGuard.kind(ip("8.8.8.8")));
    assertNull(AddressGuard.kind(ip("2001:4860:4860::8888")));
  }
}
