package dev.hookrun.gateway;

import dev.hookrun.common.apps.AppCatalog;
import dev.hookrun.common.config.ProcessSettings;
import dev.hookrun.common.config.Records;
import dev.hookrun.common.config.Setting;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.common.run.RunLimits;
import dev.hookrun.common.scheduling.SchedulingPolicy;
import dev.hookrun.common.scheduling.SchedulingSettings;
import dev.hookrun.gateway.console.ConsoleSettings;
import dev.hookrun.ops.OpsSettings;
import dev.hookrun.results.ResultStoreSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything the gateway reads from its environment, validated once at start. */
public record GatewayConfig(
    String httpHost,
    int httpPort,
    String adminHttpHost,
    int adminHttpPort,
    ApiKeys apiKeys,
    Duration kafkaSendTimeout,
    Optional<Duration> kafkaDeliveryTimeout,
    Duration maxRunTime,
    Duration syncTimeout,
    Duration queueTtl,
    int echoMaxBytes,
    int maxUnfinishedPerProject,
    int runViewMaxEntries,
    int maxSyncWaiters,
    Duration httpIdleTimeout,
    Duration httpHeaderTimeout,
    int httpMaxConnections,
    int sseMaxPerKey,
    RateLimits rateLimits,
    int batchMaxItems,
    int batchBodyLimitBytes,
    SchedulingPolicy scheduling,
    KafkaSettings kafka,
    OpsSettings ops,
    ResultStoreSettings results,
    ConsoleSettings console) {

  public static final Setting HTTP_HOST =
      Setting.of("HTTP_HOST", "0.0.0.0", "Address the gateway listens on");
  public static final Setting HTTP_PORT =
      Setting.of("HTTP_PORT", "8080", "Port the gateway's API listens on");
  public static final Setting ADMIN_HTTP_HOST =
      Setting.of(
          "ADMIN_HTTP_HOST",
          "127.0.0.1",
          "Address of the gateway's admin listener (/ops, /metrics, health); keep it off the public network");
  public static final Setting ADMIN_HTTP_PORT =
      Setting.of(
          "ADMIN_HTTP_PORT",
          "8081",
          "Port of the gateway's admin listener (0: a free port, printed at start); never the API port");
  public static final Setting API_KEYS =
      Setting.required(
              "API_KEYS", "API keys and the project each belongs to: key=project,key=project")
          .asSecret();
  public static final Setting SEND_TIMEOUT =
      Setting.of(
          "KAFKA_SEND_TIMEOUT",
          "9s",
          "How long a predict waits for Kafka to acknowledge the request before answering 503");
  public static final Setting DELIVERY_TIMEOUT =
      Setting.of(
          "KAFKA_DELIVERY_TIMEOUT",
          "",
          "How long a request keeps trying to reach Kafka in all, also after its predict was answered"
              + " 503 outcome_unknown; unset: KAFKA_SEND_TIMEOUT on one broker, KAFKA_SEND_TIMEOUT plus"
              + " twice the brokers' broker.session.timeout.ms on several");

  /** Shared with every stage: it also sizes the requests topic (see RequestLimits). */
  public static final Setting BODY_LIMIT = KafkaSettings.BODY_LIMIT;

  public static final Setting SYNC_TIMEOUT =
      Setting.of(
          "SYNC_TIMEOUT",
          "180s",
          "How long a predict without webhook waits for the result before answering 202 with the run id");
  public static final Setting QUEUE_TTL =
      Setting.of(
          "QUEUE_TTL",
          "24h",
          "A run still queued after this ends expired; requests may ask for less with queue_ttl_seconds");
  public static final Setting MAX_QUEUED =
      Setting.of(
          "MAX_QUEUED_PER_PROJECT",
          "10000",
          "Unfinished runs a project may have before predicts are refused with 429");
  public static final Setting VIEW_MAX =
      Setting.of(
          "RUN_VIEW_MAX_ENTRIES",
          "200000",
          "Most runs a gateway keeps in its in-memory view; beyond it the oldest finished run of the project with the"
              + " most finished runs is dropped first (unfinished runs are never dropped)");
  public static final Setting SYNC_WAITERS_MAX =
      Setting.of(
          "SYNC_WAITERS_MAX",
          "10000",
          "Most synchronous callers a gateway holds open at once (and at most 8 per run); beyond it a sync predict"
              + " or replay gets the 202 overflow answer at once");
  public static final Setting HTTP_IDLE_TIMEOUT =
      Setting.of(
          "HTTP_IDLE_TIMEOUT",
          "60s",
          "An HTTP connection with no request in progress for this long is closed");
  public static final Setting HTTP_HEADER_TIMEOUT =
      Setting.of(
          "HTTP_HEADER_TIMEOUT",
          "10s",
          "A new HTTP connection that has not sent a complete request head within this is closed");
  public static final Setting SSE_MAX_PER_KEY =
      Setting.of(
          "SSE_MAX_PER_KEY",
          "20",
          "Most event streams (runs/{id}/events) one API key may hold open on a gateway; past it 429 too_many_streams");
  public static final Setting HTTP_MAX_CONNECTIONS =
      Setting.of(
          "HTTP_MAX_CONNECTIONS",
          "10000",
          "Most open HTTP connections; a connection over the cap is closed at once");

  public static final Setting RATE_LIMITS =
      Setting.of(
          "RATE_LIMITS",
          "",
          "Per project, runs a second it may queue on each gateway and the burst: project=rate/burst,..."
              + " (e.g. p1=50/100); over it a predict or retry gets 429; unset: no limits");

  public static final Setting BATCH_MAX_ITEMS =
      Setting.of(
          "BATCH_MAX_ITEMS",
          "10000",
          "Most inputs one batch (POST …/batches) may hold; more is refused with 413 too_many_inputs");
  public static final Setting BATCH_BODY_LIMIT =
      Setting.of(
          "BATCH_BODY_LIMIT",
          "33554432",
          "Largest batch body in bytes (each of its inputs is also held to BODY_LIMIT)");

  // BODY_LIMIT comes with KafkaSettings.SETTINGS; the scheduling settings are the scheduler's,
  // read here too so that queue positions are estimated by the rules the scheduler applies
  public static final List<Setting> SETTINGS =
      Setting.catalog(
          List.of(
              HTTP_HOST,
              HTTP_PORT,
              ADMIN_HTTP_HOST,
              ADMIN_HTTP_PORT,
              API_KEYS,
              SEND_TIMEOUT,
              DELIVERY_TIMEOUT,
              RunLimits.MAX_RUN_TIME,
              SYNC_TIMEOUT,
              QUEUE_TTL,
              AppCatalog.ECHO_MAX_BYTES,
              MAX_QUEUED,
              VIEW_MAX,
              SYNC_WAITERS_MAX,
              HTTP_IDLE_TIMEOUT,
              HTTP_HEADER_TIMEOUT,
              HTTP_MAX_CONNECTIONS,
              SSE_MAX_PER_KEY,
              RATE_LIMITS,
              BATCH_MAX_ITEMS,
              BATCH_BODY_LIMIT),
          SchedulingSettings.SETTINGS,
          KafkaSettings.SETTINGS,
          OpsSettings.SETTINGS,
          ResultStoreSettings.SETTINGS,
          ConsoleSettings.SETTINGS);

  public static GatewayConfig fromEnv(Map<String, String> vars) {
    return ProcessSettings.read(
        vars,
        env -> {
          ApiKeys keys = ApiKeys.parse(env, API_KEYS);
          int httpPort = env.integer(HTTP_PORT, 0, 65_535);
          int adminPort = env.integer(ADMIN_HTTP_PORT, 0, 65_535);
          if (adminPort != 0 && adminPort == httpPort) {
            env.problem(
                ADMIN_HTTP_PORT.name()
                    + " must differ from "
                    + HTTP_PORT.name()
                    + ": /ops and /metrics are never served on the API port");
          }
          Duration sendTimeout =
              env.duration(SEND_TIMEOUT, Duration.ofSeconds(1), Duration.ofMinutes(2));
          Optional<Duration> deliveryTimeout =
              env.optional(DELIVERY_TIMEOUT).isEmpty()
                  ? Optional.empty()
                  : Optional.of(
                      env.duration(DELIVERY_TIMEOUT, sendTimeout, Duration.ofMinutes(10)));
          return new GatewayConfig(
              env.string(HTTP_HOST),
              httpPort,
              env.string(ADMIN_HTTP_HOST),
              adminPort,
              keys,
              sendTimeout,
              deliveryTimeout,
              RunLimits.maxRunTime(env),
              env.duration(SYNC_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(30)),
              env.duration(QUEUE_TTL, Duration.ofSeconds(1), Duration.ofDays(30)),
              env.integer(AppCatalog.ECHO_MAX_BYTES, 0, AppCatalog.ECHO_MAX_BYTES_LIMIT),
              env.integer(MAX_QUEUED, 1, 100_000_000),
              env.integer(VIEW_MAX, 100, 100_000_000),
              env.integer(SYNC_WAITERS_MAX, 1, 10_000_000),
              env.duration(HTTP_IDLE_TIMEOUT, Duration.ofSeconds(1), Duration.ofHours(1)),
              env.duration(HTTP_HEADER_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(5)),
              env.integer(HTTP_MAX_CONNECTIONS, 1, 1_000_000),
              env.integer(SSE_MAX_PER_KEY, 1, 1_000_000),
              RateLimits.parse(env, RATE_LIMITS, keys.projects()),
              env.integer(BATCH_MAX_ITEMS, 1, 1_000_000),
              env.integer(BATCH_BODY_LIMIT, 1024, 1024 * 1024 * 1024),
              SchedulingSettings.fromEnv(env),
              KafkaSettings.fromEnv(env),
              OpsSettings.fromEnv(env),
              ResultStoreSettings.fromEnv(env),
              ConsoleSettings.fromEnv(env));
        });
  }

  public GatewayConfig withResults(ResultStoreSettings settings) {
    return Records.with(this, "results", settings);
  }

  /**
   * Largest request body in bytes; the Kafka limits are derived from it
   * (KafkaSettings.requestLimits).
   */
  public int bodyLimitBytes() {
    return kafka.requestLimits().bodyLimit();
  }
}
