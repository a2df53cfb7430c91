package dev.hookrun.local;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ./run.sh train}: the training run of the start-up cache. The JVM that runs it is started
 * with {@code -XX:AOTCacheOutput} (Java 25+) or {@code -XX:ArchiveClassesAtExit} (17 to 24) by
 * {@code local-stack/startup-cache}, and writes the cache when this ends; later starts load their
 * classes, already linked, and (25+) the methods' profiles from it instead of finding them cold.
 *
 * <ul>
 *   <li>{@code train [runs]}: a whole local run of its own (own broker on a free port, own data
 *       folder, removed after, gateway on a free loopback port), {@link TrainingClient} through it,
 *       then a clean stop, so the cache holds start, serve and stop of every stage and the broker.
 *   <li>{@code train <gateway-url> <api-key> <project> [runs]}: only the client, against a gateway
 *       that runs elsewhere: the image build trains each stage's JVM this way (Dockerfile).
 * </ul>
 *
 * Exits 0 once every accepted run's webhook arrived, 1 otherwise (the cache is written either way;
 * the caller keeps it only on 0).
 */
final class Training {

  static final int DEFAULT_RUNS = 3_000;
  private static final String KEY = "training-key";
  private static final String PROJECT = "p-training";
  private static final Duration WITHIN = Duration.ofMinutes(3);

  private Training() {}

  static void main(String[] args) throws Exception {
    boolean ok;
    if (args.length >= 3) {
      URI gateway = URI.create(args[0]);
      int runs = args.length > 3 ? Integer.parseInt(args[3]) : DEFAULT_RUNS;
      ok = train(gateway.getHost(), gateway.getPort(), args[1], args[2], runs);
    } else {
      ok = trainOwnRun(args.length == 1 ? Integer.parseInt(args[0]) : DEFAULT_RUNS);
    }
    System.exit(ok ? 0 : 1);
  }

  static boolean trainOwnRun(int runs) throws IOException {
    Path data = Files.createTempDirectory("hookrun-training");
    Map<String, String> env = new HashMap<>(System.getenv());
    env.remove("KAFKA_BOOTSTRAP_SERVERS"); // the broker's code belongs in the cache too
    env.remove("LOCAL_PROCESSES");
    env.put("DATA_DIR", data.toString());
    env.put("LOCAL_KAFKA_PORT", Integer.toString(freePort()));
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("HTTP_PORT", "0");
    env.put("API_KEYS", KEY + "=" + PROJECT);
    LocalStack stack = new LocalStack(env);
    try {
      stack.start().await();
      return train("127.0.0.1", stack.gatewayPort(), KEY, PROJECT, runs);
    } finally {
      stack.stop();
      deleteTree(data);
    }
  }

  private static boolean train(String host, int port, String key, String project, int runs) {
    Vertx vertx = Vertx.vertx();
    try {
      System.out.println(
          new TrainingClient(vertx, host, port, key, project).run(runs, WITHIN).await());
      return true;
    } catch (RuntimeException e) {
      System.err.println("training: " + e.getMessage());
      return false;
    } finally {
      vertx.close().await();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
