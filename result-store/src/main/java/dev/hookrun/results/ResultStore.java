package dev.hookrun.results;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * Where results too large to travel inline are kept. Methods that touch the disk or the network
 * block: callers run them on worker threads. {@link #signedUrl} only computes, so it may run on an
 * event loop (it is called every time a URL is handed out).
 */
public interface ResultStore extends AutoCloseable {

  /** Stores {@code json} under {@code key}, replacing what was there. */
  void put(String key, byte[] json) throws IOException;

  /**
   * A URL that fetches {@code key} without our API key for {@code ttl} from now.
   *
   * @param callerBase the gateway's address as the caller used it, or null; a filesystem link needs
   *     a gateway address, and this is the default when none is configured
   */
  String signedUrl(String key, Duration ttl, String callerBase);

  /**
   * Makes {@code key} count as written now, so the retention sweep keeps it another RUN_RETENTION:
   * a dispatcher still delivering a run's webhook keeps the result its link points to.
   *
   * @return false when the result is no longer stored
   */
  boolean touch(String key) throws IOException;

  /**
   * Deletes every stored result last written (or {@linkplain #touch touched}) before {@code
   * cutoff}; returns how many.
   */
  int deleteOlderThan(Instant cutoff) throws IOException;

  @Override
  void close();

  /** The store the settings name. */
  static ResultStore create(ResultStoreSettings settings) {
    return settings.isS3() ? S3ResultStore.create(settings) : FsResultStore.create(settings);
  }
}
