package dev.hookrun.testkit;

import dev.hookrun.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The one broker of a test JVM: started on first use, stopped when the JVM ends.
 *
 * <p>Every test class shares it and isolates itself with its own topic prefix and group ids, which
 * is how many services share one production cluster. Broker settings favour fast group membership
 * changes, because the tests kill and add consumers on purpose.
 */
public final class SharedTestBroker {

  private static EmbeddedKafkaBroker broker;

  private SharedTestBroker() {}

  public static synchronized EmbeddedKafkaBroker get() {
    if (broker == null) {
      try {
        Path dir = Files.createTempDirectory("hookrun-test-kafka-");
        broker = new EmbeddedKafkaBroker(dir, 0, Map.of()).start();
        EmbeddedKafkaBroker started = broker;
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      started.stop();
                      deleteQuietly(dir);
                    },
                    "test-kafka-shutdown"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return broker;
  }

  public static String bootstrapServers() {
    return get().bootstrapServers();
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind is not worth failing a test run for
    }
  }
}
