package dev.hookrun.gateway;

import dev.hookrun.common.crypto.PerThread;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.UUID;

/**
 * Run ids: the name-based (version 3) UUID of project and key, so the same project and key name the
 * same run on every gateway and every version of it. {@link UUID#nameUUIDFromBytes} computes the
 * same id, but looks up an MD5 implementation on every call (run ids were 2.5 % of the CPU samples
 * at full load, computed twice for a predict without a key); each thread keeps its own digest here.
 */
final class RunIds {

  private static final ThreadLocal<MessageDigest> MD5 = PerThread.digest("MD5");

  private RunIds() {}

  /** The run id of {@code key} in {@code project}. */
  static String of(String project, String key) {
    byte[] hash = MD5.get().digest((project + '\u0000' + key).getBytes(StandardCharsets.UTF_8));
    hash[6] = (byte) ((hash[6] & 0x0f) | 0x30); // version 3
    hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // IETF variant
    long msb = 0;
    long lsb = 0;
    for (int i = 0; i < 8; i++) {
      msb = (msb << 8) | (hash[i] & 0xff);
      lsb = (lsb << 8) | (hash[i + 8] & 0xff);
    }
    return new UUID(msb, lsb).toString();
  }

  /** A fresh random key and the id of its run. */
  record Named(String key, String runId) {}
}
