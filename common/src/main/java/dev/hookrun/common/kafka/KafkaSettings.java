package dev.hookrun.common.kafka;

import dev.hookrun.common.config.Env;
import dev.hookrun.common.config.Records;
import dev.hookrun.common.config.Setting;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How every stage reaches Kafka and lays out its topics. One record, read once per process, so the
 * stages can never disagree on topic names or client settings.
 */
public record KafkaSettings(
    String bootstrapServers,
    String topicPrefix,
    int requestsPartitions,
    int partitions,
    short replicationFactor,
    short minInsyncReplicas,
    String groupProtocol,
    Duration sessionTimeout,
    Duration runRetention,
    Duration lagSampleInterval,
    Map<String, String> extraClientProperties,
    int bodyLimit,
    KafkaSecurity security,
    Duration maxScheduleAhead) {

  public static final Setting BOOTSTRAP =
      Setting.of(
          "KAFKA_BOOTSTRAP_SERVERS",
          "localhost:9092",
          "Kafka brokers to connect to (host:port,host:port)");
  public static final Setting PREFIX =
      Setting.of(
          "TOPIC_PREFIX",
          "hookrun.",
          "Prefix of every topic name, so several installations can share a cluster");
  public static final Setting REQUESTS_PARTITIONS =
      Setting.of(
          "REQUESTS_PARTITIONS",
          "12",
          "Partitions of the requests topic when it is created: the upper bound of busy workers");
  public static final Setting PARTITIONS =
      Setting.of("TOPIC_PARTITIONS", "12", "Partitions of the other topics when they are created");
  public static final Setting REPLICATION =
      Setting.of(
          "TOPIC_REPLICATION_FACTOR",
          "1",
          "Replication factor of topics created at start (use 3 on a production cluster)");
  public static final Setting MIN_INSYNC_REPLICAS =
      Setting.of(
          "TOPIC_MIN_INSYNC_REPLICAS",
          "1",
          "min.insync.replicas of topics created at start (use 2 with replication factor 3 in production)");
  public static final Setting GROUP_PROTOCOL =
      Setting.of(
          "KAFKA_GROUP_PROTOCOL",
          "classic",
          "Consumer rebalance protocol: classic (cooperative-sticky assignor) or consumer (KIP-848)");
  public static final Setting SESSION_TIMEOUT =
      Setting.of(
          "KAFKA_SESSION_TIMEOUT",
          "10s",
          "How long a silent consumer keeps its partitions before the group gives them to others");
  public static final Setting RUN_RETENTION =
      Setting.of(
          "RUN_RETENTION",
          "48h",
          "How long a run stays readable and an Idempotency-Key names the same run (gateway view, deliveries topic"
              + " retention; requests and results are kept at least this long); a stored result is kept this long"
              + " after its webhook's last attempt. Dispatchers refuse one shorter than WEBHOOK_RETRY_SCHEDULE with"
              + " its jitter");
  public static final Setting LAG_SAMPLE_INTERVAL =
      Setting.of(
          "CONSUMER_LAG_SAMPLE_INTERVAL",
          "15s",
          "How often a worker or dispatcher measures the lag of the partitions it owns into "
              + "hookrun_consumer_member_lag (0s: never)");

  /**
   * Read by every stage that reads runs back at start (gateway, scheduler) or creates the requests
   * topic: a run scheduled ahead must still be read back, and kept in the topic, until it has run.
   */
  public static final Setting MAX_SCHEDULE_AHEAD =
      Setting.of(
          "MAX_SCHEDULE_AHEAD",
          "7d",
          "How far ahead a predict may schedule its run (run_at, delay_seconds; further: 400); the"
              + " gateways and the scheduler read runs back at start for RUN_RETENTION plus this, and"
              + " the requests topic is created to keep them that long (0s: no scheduled runs)");

  /**
   * Read by every stage, not only the gateway: whichever stage creates the requests topic sizes its
   * max.message.bytes from it (see {@link RequestLimits}).
   */
  public static final Setting BODY_LIMIT =
      Setting.of(
          "BODY_LIMIT",
          "1048576",
          "Largest accepted request body in bytes (larger: 413); also sizes the requests topic's "
              + "max.message.bytes and the producers' max.request.size");

  public static final Setting CLIENT_CONFIG_FILE =
      Setting.of(
          "KAFKA_CLIENT_CONFIG_FILE",
          "",
          "Optional properties file merged into every Kafka client last, over the KAFKA_SECURITY_*,"
              + " KAFKA_SASL_* and KAFKA_SSL_* settings (e.g. a client certificate for mutual TLS)");

  public static final List<Setting> SETTINGS =
      Setting.catalog(
          List.of(
              BOOTSTRAP,
              PREFIX,
              REQUESTS_PARTITIONS,
              PARTITIONS,
              REPLICATION,
              MIN_INSYNC_REPLICAS,
              GROUP_PROTOCOL,
              SESSION_TIMEOUT,
              RUN_RETENTION,
              LAG_SAMPLE_INTERVAL,
              BODY_LIMIT,
              MAX_SCHEDULE_AHEAD,
              CLIENT_CONFIG_FILE),
          KafkaSecurity.SETTINGS);

  public static KafkaSettings fromEnv(Env env) {
    String protocol = env.string(GROUP_PROTOCOL);
    if (!protocol.equals("classic") && !protocol.equals("consumer")) {
      env.problem(GROUP_PROTOCOL.name() + "=" + protocol + " must be classic or consumer");
    }
    Map<String, String> extra =
        env.optional(CLIENT_CONFIG_FILE).map(file -> readProperties(env, file)).orElse(Map.of());
    durabilityProblems(extra).forEach(env::problem);
    short replication = (short) env.integer(REPLICATION, 1, 10);
    short minIsr = (short) env.integer(MIN_INSYNC_REPLICAS, 1, 10);
    if (minIsr > replication) {
      // every acks=all send would fail with NotEnoughReplicas: the platform could accept nothing
      env.problem(
          MIN_INSYNC_REPLICAS.name()
              + "="
              + minIsr
              + " is above "
              + REPLICATION.name()
              + "="
              + replication
              + ": no write could ever be acknowledged");
    }
    return new KafkaSettings(
        env.string(BOOTSTRAP),
        env.string(PREFIX),
        env.integer(REQUESTS_PARTITIONS, 1, 10_000),
        env.integer(PARTITIONS, 1, 10_000),
        replication,
        minIsr,
        protocol,
        env.duration(SESSION_TIMEOUT, Duration.ofSeconds(3), Duration.ofMinutes(30)),
        env.duration(RUN_RETENTION, Duration.ofSeconds(5), Duration.ofDays(365)),
        env.duration(LAG_SAMPLE_INTERVAL, Duration.ZERO, Duration.ofHours(1)),
        extra,
        env.integer(BODY_LIMIT, 1024, 64 * 1024 * 1024),
        KafkaSecurity.fromEnv(env),
        env.duration(MAX_SCHEDULE_AHEAD, Duration.ZERO, Duration.ofDays(365)));
  }

  /** Settings for a test or the local run against a given broker and an isolating prefix. */
  public static KafkaSettings local(String bootstrapServers, String topicPrefix) {
    return new KafkaSettings(
        bootstrapServers,
        topicPrefix,
        12,
        12,
        (short) 1,
        (short) 1,
        "classic",
        Duration.ofSeconds(10),
        Env.parseDuration(RUN_RETENTION.defaultValue()),
        Duration.ofSeconds(15),
        Map.of(),
        Integer.parseInt(BODY_LIMIT.defaultValue()),
        KafkaSecurity.PLAINTEXT,
        Env.parseDuration(MAX_SCHEDULE_AHEAD.defaultValue()));
  }

  /**
   * How far back a stage reads runs at start: the run retention, plus how long a run may wait for
   * its scheduled time (a run accepted that long ago may not have started yet).
   */
  public Duration runLookBack() {
    return runRetention.plus(maxScheduleAhead);
  }

  public KafkaSettings withMaxScheduleAhead(Duration ahead) {
    return Records.with(this, "maxScheduleAhead", ahead);
  }

  public KafkaSettings withSessionTimeout(Duration timeout) {
    return Records.with(this, "sessionTimeout", timeout);
  }

  public KafkaSettings withBootstrapServers(String servers) {
    return Records.with(this, "bootstrapServers", servers);
  }

  public KafkaSettings withTopicPrefix(String prefix) {
    return Records.with(this, "topicPrefix", prefix);
  }

  public KafkaSettings withRunRetention(Duration retention) {
    return Records.with(this, "runRetention", retention);
  }

  /** The same settings with another replication factor and min ISR (a test on a cluster). */
  public KafkaSettings withReplication(int factor, int minIsr) {
    return Records.with(
        this, "replicationFactor", (short) factor, "minInsyncReplicas", (short) minIsr);
  }

  /**
   * What in an operator's client file would let a 202 be sent for a request that is not safely
   * stored: the file is merged into every producer last (it must win for TLS and SASL), so it is
   * also the one place our acks=all and idempotence could be switched off without anyone noticing.
   * Refusing to start is the only honest answer; a file without these keys is fine.
   */
  static List<String> durabilityProblems(Map<String, String> clientProperties) {
    List<String> problems = new java.util.ArrayList<>();
    String acks = clientProperties.get("acks");
    if (acks != null && !acks.trim().equals("all") && !acks.trim().equals("-1")) {
      problems.add(
          CLIENT_CONFIG_FILE.name()
              + " sets acks="
              + acks.trim()
              + ", but the platform answers 202 only for requests on every in-sync replica: remove it or set acks=all");
    }
    String idempotence = clientProperties.get("enable.idempotence");
    if (idempotence != null && idempotence.trim().equalsIgnoreCase("false")) {
      problems.add(
          CLIENT_CONFIG_FILE.name()
              + " sets enable.idempotence=false, which lets a retried send store "
              + "a request or outcome twice or out of order: remove it");
    }
    return problems;
  }

  /** The size bounds of a request record, from BODY_LIMIT. */
  public RequestLimits requestLimits() {
    return new RequestLimits(bodyLimit);
  }

  public Topics topics() {
    return new Topics(topicPrefix);
  }

  private static Map<String, String> readProperties(Env env, String file) {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(Path.of(file))) {
      props.load(in);
    } catch (IOException e) {
      env.problem(CLIENT_CONFIG_FILE.name() + "=" + file + " cannot be read: " + e.getMessage());
    }
    Map<String, String> out = new TreeMap<>();
    props.forEach((k, v) -> out.put(k.toString(), v.toString()));
    return out;
  }
}
