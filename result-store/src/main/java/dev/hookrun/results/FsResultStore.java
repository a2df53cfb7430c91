package dev.hookrun.results;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Results as files under {@code DATA_DIR/results}, served by the gateway through HMAC-signed links.
 * Workers and gateways share it only when they share DATA_DIR (the local run, or one volume mounted
 * into every container); deployments across hosts use the S3 store.
 */
public final class FsResultStore implements ResultStore {

  private static final Logger LOG = LoggerFactory.getLogger(FsResultStore.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();
  static final String DISPATCHER_DEFAULT_BASE = "http://localhost:8080";

  private final Path dir;
  private final UrlSigner signer;
  private final String configuredBase;
  private final Clock clock;

  FsResultStore(Path dir, UrlSigner signer, String configuredBase, Clock clock) {
    this.dir = dir;
    this.signer = signer;
    this.configuredBase = configuredBase;
    this.clock = clock;
  }

  public static FsResultStore create(ResultStoreSettings settings) {
    if (settings.urlSecretGenerated() && WARNED.compareAndSet(false, true)) {
      // Links signed here then verify only in this process: fine for the one-process local run,
      // broken when gateways and dispatchers run apart.
      LOG.warn(
          "RESULT_URL_SECRET is unset: result links are signed with a random key of this process; set the same"
              + " RESULT_URL_SECRET on every gateway and dispatcher when they run as separate processes");
    }
    return new FsResultStore(
        settings.resultsDir(),
        new UrlSigner(settings.urlSecrets()),
        settings.urlBase(),
        Clock.systemUTC());
  }

  @Override
  public void put(String key, byte[] json) throws IOException {
    requireValid(key);
    Files.createDirectories(dir);
    // Write aside, then rename: a reader never sees half a file.
    Path tmp = Files.createTempFile(dir, ".incoming-", ".tmp");
    try {
      Files.write(tmp, json);
      try {
        Files.move(
            tmp,
            dir.resolve(key),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir.resolve(key), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public String signedUrl(String key, Duration ttl, String callerBase) {
    String base =
        configuredBase != null
            ? configuredBase
            : callerBase != null ? callerBase : DISPATCHER_DEFAULT_BASE;
    return base + signer.pathAndQuery(key, clock.instant().plus(ttl));
  }

  /** The file to serve for a valid key, if it is (still) there. */
  public Optional<Path> file(String key) {
    if (!ResultKeys.isValid(key)) {
      return Optional.empty();
    }
    Path file = dir.resolve(key);
    return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
  }

  public UrlSigner signer() {
    return signer;
  }

  @Override
  public boolean touch(String key) throws IOException {
    requireValid(key);
    try {
      Files.setLastModifiedTime(dir.resolve(key), FileTime.from(clock.instant()));
      return true;
    } catch (NoSuchFileException gone) {
      return false;
    }
  }

  @Override
  public int deleteOlderThan(Instant cutoff) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int deleted = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        try {
          if (Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
            Files.deleteIfExists(file);
            deleted++;
          }
        } catch (NoSuchFileException gone) {
          // another gateway sharing the directory was faster
        }
      }
    }
    return deleted;
  }

  @Override
  public void close() {
    // nothing held open
  }

  static void requireValid(String key) {
    if (!ResultKeys.isValid(key)) {
      throw new IllegalArgumentException("not a result key: " + key);
    }
  }
}
