package dev.hookrun.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The system resolver reads an address written as one on the spot (the same answer the JDK gives)
 * and sends only names to its blocking pool. Nothing here looks a name up on the network or
 * connects anywhere.
 */
class ResolverTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** A pool that is closed: a resolution that reached it would fail. */
  private WorkerExecutor closedPool() {
    WorkerExecutor pool = vertx.createSharedWorkerExecutor("resolver-test-closed", 1);
    pool.close().await();
    return pool;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"127.0.0.1", "10.1.2.3", "::1", "fe80::1", "::ffff:10.0.0.1", "2001:db8::5"})
  void anAddressWrittenAsOneIsReadWithoutTheBlockingPool(String literal) throws Exception {
    Future<List<InetAddress>> resolved = Resolver.system(closedPool()).resolve(literal);

    assertTrue(resolved.succeeded(), () -> literal + ": " + resolved.cause());
    assertEquals(List.of(InetAddress.getAllByName(literal)), resolved.result());
  }

  @Test
  void aMappedIpv6AddressIsSeenAsTheIpv4AddressItCarries() {
    // what the JDK's lookup answers too; the guard then judges 10.0.0.1 as a private address
    assertEquals(
        "10.0.0.1",
        Resolver.system(closedPool()).resolve("::ffff:10.0.0.1").result().get(0).getHostAddress());
  }

  @Test
  void namesAndScopedAddressesGoToTheBlockingPool() {
    assertNull(Resolver.literal("localhost"));
    assertNull(Resolver.literal("hooks.example.com"));
    assertNull(Resolver.literal("127.1")); // the JDK's legacy short form: left to the JDK
    assertNull(Resolver.literal("fe80::1%eth0"));
    WorkerExecutor pool = vertx.createSharedWorkerExecutor("resolver-test", 1);
    try {
      // localhost comes from the hosts file: no network lookup
      List<InetAddress> local = Resolver.system(pool).resolve("localhost").await();
      assertTrue(local.stream().allMatch(InetAddress::isLoopbackAddress), local::toString);
    } finally {
      pool.close().await();
    }
  }
}
