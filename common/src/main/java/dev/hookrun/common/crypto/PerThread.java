package dev.hookrun.common.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;

/**
 * Digests and MACs kept one per thread. {@code getInstance} looks the algorithm up among the
 * security providers at every call, which on the predict and webhook paths cost more than the
 * hashing itself; an instance is reusable (a digest resets itself, a MAC is initialised again with
 * each key) but not safe to share between threads.
 */
public final class PerThread {

  private PerThread() {}

  /** A {@code MessageDigest} of {@code algorithm} for each thread that asks. */
  public static ThreadLocal<MessageDigest> digest(String algorithm) {
    return ThreadLocal.withInitial(() -> create(() -> MessageDigest.getInstance(algorithm)));
  }

  /** A {@code Mac} of {@code algorithm} for each thread that asks; init it with each key. */
  public static ThreadLocal<Mac> mac(String algorithm) {
    return ThreadLocal.withInitial(() -> create(() -> Mac.getInstance(algorithm)));
  }

  private interface Lookup<T> {
    T get() throws GeneralSecurityException;
  }

  private static <T> T create(Lookup<T> lookup) {
    try {
      return lookup.get();
    } catch (GeneralSecurityException e) {
      // only the standard algorithms every Java runtime must have are asked for
      throw new IllegalStateException(e);
    }
  }
}
