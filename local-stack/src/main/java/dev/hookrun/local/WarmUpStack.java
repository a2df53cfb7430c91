package dev.hookrun.local;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.metrics.Meters;
import dev.hookrun.dispatcher.DispatcherConfig;
import dev.hookrun.dispatcher.DispatcherVerticle;
import dev.hookrun.gateway.GatewayConfig;
import dev.hookrun.gateway.GatewayVerticle;
import dev.hookrun.worker.WorkerConfig;
import dev.hookrun.worker.WorkerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stages the warm-up sends its runs through: the same gateway, worker and dispatcher classes as
 * the platform's (the JIT compiles code, not instances, so what they make hot is what the real
 * stages run), but on topics, consumer groups and an API key of their own, all thrown away once the
 * warm-up ended.
 *
 * <p>Sent through the real stages instead, a start left its 60,000-70,000 warm-up runs in the
 * platform's topics, in every gateway's view and the dispatchers' ledger (most of the heap the
 * collector then marked on every cycle, ~1 s of one of two cores), in the runs listing of the
 * project whose key it borrowed, and reloaded them all at the next start.
 */
final class WarmUpStack {

  private static final Logger LOG = LoggerFactory.getLogger(WarmUpStack.class);

  /** The project the warm-up's runs belong to; no API key of the platform's names it. */
  static final String PROJECT = "hookrun-warmup";

  private static final long ADMIN_TIMEOUT_SECONDS = 15;
  private static final long GROUP_RETRY_MS = 200;

  private final Vertx vertx;
  private final KafkaSettings kafka;
  private final GatewayConfig gatewayConfig;
  private final WorkerConfig workerConfig;
  private final DispatcherConfig dispatcherConfig;
  private final String apiKey;

  /** Of its topics and its consumer groups alike: everything of it that Kafka keeps. */
  private final String prefix;

  private final List<String> deployments = new ArrayList<>();
  private GatewayVerticle gateway;

  /**
   * @param stageEnv the environment the platform's stages read: the warm-up's are configured from
   *     it with only the isolation changed
   * @param round which warm-up round, from 1: each has topics and groups of its own, since Kafka
   *     deletes the previous round's only some time after it was asked to
   */
  WarmUpStack(Vertx vertx, Map<String, String> stageEnv, int round) {
    this.vertx = vertx;
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret); // not generateSeed: that may wait for the entropy pool
    this.apiKey = "warm-up-" + HexFormat.of().formatHex(secret);
    Map<String, String> env = isolated(stageEnv, apiKey, round);
    this.prefix = env.get(KafkaSettings.PREFIX.name());
    this.gatewayConfig = GatewayConfig.fromEnv(env);
    this.workerConfig = WorkerConfig.fromEnv(env);
    // its receiver is on loopback whatever the platform's dispatcher may deliver to
    this.dispatcherConfig =
        DispatcherConfig.fromEnv(env).withAllowedNetworks(DispatcherConfig.LOOPBACK);
    this.kafka = gatewayConfig.kafka();
  }

  /** The stage environment with the warm-up's own topics, groups, key and ports. */
  static Map<String, String> isolated(Map<String, String> stageEnv, String apiKey, int round) {
    Map<String, String> env = new HashMap<>(stageEnv);
    String prefix = prefixOf(stageEnv, round);
    env.put(KafkaSettings.PREFIX.name(), prefix);
    env.put(WorkerConfig.GROUP_ID.name(), prefix + "workers");
    env.put(DispatcherConfig.GROUP_ID.name(), prefix + "dispatchers");
    env.put(GatewayConfig.API_KEYS.name(), apiKey + "=" + PROJECT);
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("HTTP_PORT", "0");
    env.remove("RESULT_URL_BASE"); // its results are a few bytes: never stored, never linked
    return env;
  }

  /**
   * The prefix of the warm-up's topics and groups in round {@code round} of a run with this env.
   */
  static String prefixOf(Map<String, String> stageEnv, int round) {
    String platformPrefix = stageEnv.get(KafkaSettings.PREFIX.name());
    return prefix(
        platformPrefix == null || platformPrefix.isBlank()
            ? KafkaSettings.PREFIX.defaultValue()
            : platformPrefix,
        round);
  }

  /**
   * "hookrun." → "hookrun-warmup." (round 2: "hookrun-warmup2."), "acme-" → "acme-warmup.": beside
   * the platform's topics, so that what {@link #discard} deletes (everything under this prefix) is
   * never one of them.
   */
  static String prefix(String platformPrefix, int round) {
    String stem = platformPrefix;
    if (!stem.isEmpty() && ".-_".indexOf(stem.charAt(stem.length() - 1)) >= 0) {
      stem = stem.substring(0, stem.length() - 1);
    }
    return stem + "-warmup" + (round > 1 ? Integer.toString(round) : "") + ".";
  }

  /** All three stages, in this process (the one-process run). */
  Future<Void> deploy() {
    return deployWorker().compose(v -> deployDispatcher()).compose(v -> deployGateway());
  }

  /** The warm-up's worker alone: the stage of a process of its own ({@link StageWarmUp}). */
  Future<Void> deployWorker() {
    return vertx
        .deployVerticle(
            () -> new WorkerVerticle(workerConfig),
            new DeploymentOptions().setInstances(workerConfig.instances()))
        .onSuccess(deployments::add)
        .mapEmpty();
  }

  Future<Void> deployDispatcher() {
    return vertx
        .deployVerticle(new DispatcherVerticle(dispatcherConfig))
        .onSuccess(deployments::add)
        .mapEmpty();
  }

  Future<Void> deployGateway() {
    gateway = new GatewayVerticle(gatewayConfig);
    return vertx.deployVerticle(gateway).onSuccess(deployments::add).mapEmpty();
  }

  int port() {
    return gateway.actualPort();
  }

  String apiKey() {
    return apiKey;
  }

  /**
   * Stops the warm-up's stages (gateway first, so nothing new comes in), then deletes its topics
   * and consumer groups (and, with {@code brokerLogDir}, waits for their files). Never fails: what
   * could not be deleted is logged and is reused by the next start's warm-up, which deletes it
   * then.
   */
  Future<Void> discard(Path brokerLogDir) {
    return undeploy()
        .compose(
            v ->
                vertx.executeBlocking(
                    () -> deleteFromKafka(kafka, prefix, Duration.ZERO, brokerLogDir)))
        .otherwise(e -> logged("deleting its topics and groups", e));
  }

  /**
   * Stops the warm-up's stages in this process, newest first, and drops their meters; its topics
   * and groups stay (another process's warm-up stages may still use them). Never fails.
   */
  Future<Void> undeploy() {
    Future<Void> undeployed = Future.succeededFuture();
    List<String> newestFirst = new ArrayList<>(deployments);
    java.util.Collections.reverse(newestFirst);
    deployments.clear();
    for (String id : newestFirst) {
      undeployed =
          undeployed.compose(v -> vertx.undeploy(id)).otherwise(e -> logged("stopping", e));
    }
    return undeployed.onComplete(
        r -> {
          Meters.forgetTagged("project", PROJECT::equals);
          Meters.forgetTagged("group", group -> group.startsWith(prefix));
        });
  }

  /**
   * Deletes the topics and consumer groups under {@code prefix}. A group that still has members (a
   * warm-up stage in another process, stopping) is asked again until {@code groupsEmptyWithin}.
   * With {@code brokerLogDir} (the run's own broker; null for a Kafka of its own), it then waits
   * for the deleted topics' files to leave that broker's disk ({@link WarmUpFiles}).
   */
  static Void deleteFromKafka(
      KafkaSettings kafka, String prefix, Duration groupsEmptyWithin, Path brokerLogDir)
      throws Exception {
    try (Admin admin =
        Admin.create(
            KafkaClientProperties.asObjects(
                KafkaClientProperties.admin(kafka, prefix + "cleanup")))) {
      Set<String> topics =
          admin.listTopics().names().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
              .filter(name -> name.startsWith(prefix))
              .collect(Collectors.toSet());
      List<String> groups =
          admin.listGroups().all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
              .map(GroupListing::groupId)
              .filter(group -> group.startsWith(prefix))
              .toList();
      admin.deleteTopics(topics).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + groupsEmptyWithin.toNanos();
      while (!groups.isEmpty()) {
        try {
          admin.deleteConsumerGroups(groups).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
          break;
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof GroupNotEmptyException) || System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(GROUP_RETRY_MS);
        }
      }
      LOG.info(
          "warm-up: deleted its {} topics and {} consumer groups", topics.size(), groups.size());
    }
    if (brokerLogDir != null) {
      WarmUpFiles.awaitGone(brokerLogDir, prefix, WarmUpFiles.WITHIN);
    }
    return null;
  }

  private static Void logged(String step, Throwable e) {
    LOG.warn("warm-up: {} failed ({}); the next start deletes what is left", step, e.toString());
    return null;
  }
}
