package dev.hookrun.common.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PerThreadTest {

  @Test
  void aThreadKeepsItsInstanceAndAnotherThreadGetsItsOwn() throws Exception {
    ThreadLocal<MessageDigest> sha = PerThread.digest("SHA-256");
    MessageDigest mine = sha.get();
    assertSame(mine, sha.get());
    MessageDigest theirs = CompletableFuture.supplyAsync(sha::get).get();
    assertNotSame(mine, theirs);
  }

  @Test
  void aReusedDigestGivesTheSameHashAsAFreshOne() throws Exception {
    ThreadLocal<MessageDigest> md5 = PerThread.digest("MD5");
    byte[] input = "run".getBytes(StandardCharsets.UTF_8);
    md5.get().digest("something before".getBytes(StandardCharsets.UTF_8));
    assertArrayEquals(MessageDigest.getInstance("MD5").digest(input), md5.get().digest(input));
  }

  @Test
  void anUnknownAlgorithmFailsWhenFirstAskedFor() {
    assertThrows(IllegalStateException.class, () -> PerThread.mac("NoSuchMac").get());
  }
}
