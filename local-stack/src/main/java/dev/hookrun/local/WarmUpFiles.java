package dev.hookrun.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warm-up's topics on the local broker's disk. Deleting a topic only marks its partitions'
 * directories for removal; the broker removes them later ({@code log.segment.delete.delay.ms}), and
 * after a warm-up that is tens to hundreds of MB of segments. Waiting for that before the run says
 * ready keeps the removal's I/O out of its first minute of real load: a minute after ready, it
 * stalled a paced load of 500 runs/s for 3 s (docs/PERFORMANCE.md, twelfth session).
 */
final class WarmUpFiles {

  private static final Logger LOG = LoggerFactory.getLogger(WarmUpFiles.class);
  private static final long POLL_MS = 100;

  /** How long a warm-up's end waits for its files; the broker removes them a second after. */
  static final Duration WITHIN = Duration.ofSeconds(30);

  private WarmUpFiles() {}

  /**
   * Returns once no directory of a topic under {@code prefix} is left in {@code logDir}, or after
   * {@code within} (logged: the broker still removes them, later).
   */
  static void awaitGone(Path logDir, String prefix, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      List<String> left = left(logDir, prefix);
      if (left.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        LOG.warn(
            "warm-up: {} directories of its topics still on the broker's disk after {} s; the"
                + " broker removes them later",
            left.size(),
            within.toSeconds());
        return;
      }
      Thread.sleep(POLL_MS);
    }
  }

  /**
   * Names of the partition directories of topics under {@code prefix}, including those the broker
   * has renamed for removal ({@code <topic>-<partition>.<id>-delete}).
   */
  static List<String> left(Path logDir, String prefix) {
    try (Stream<Path> entries = Files.list(logDir)) {
      return entries
          .map(entry -> entry.getFileName().toString())
          .filter(name -> name.startsWith(prefix))
          .toList();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
