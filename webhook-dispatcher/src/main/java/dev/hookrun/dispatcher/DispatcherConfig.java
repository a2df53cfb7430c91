package dev.hookrun.dispatcher;

import dev.hookrun.common.config.Env;
import dev.hookrun.common.config.ProcessSettings;
import dev.hookrun.common.config.Records;
import dev.hookrun.common.config.Setting;
import dev.hookrun.common.health.AdminListener;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.results.ResultStoreSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a webhook dispatcher reads from its environment, validated once at start: every
 * problem (a bad CIDR, schedule or secret included) is reported at once in a ConfigException.
 *
 * @param allowedNetworks non-public ranges webhooks may go to; empty allows public addresses only
 * @param allowedPorts the ports webhooks may go to; empty allows any
 * @param projectShare the part of {@code maxInflight} one project's deliveries may hold, in (0, 1]
 * @param maxPerHost requests in progress to one host at once
 * @param hostStall the longest wait for a slot at a busy host before a delivery is shed as host
 *     busy
 * @param results the result store, whose objects' URLs the dispatcher signs into webhook bodies
 * @param recordLinger how long a record of the dispatcher's (webhook state, retry, dead letter)
 *     waits for others to share its produce request; no webhook waits for one of them
 * @param endpointDisableAfter how long an endpoint may fail every attempt before it is disabled
 * @param notifyUrls where each project hears of its endpoints being disabled
 * @param endpointRate webhook requests per second to one endpoint (per dispatcher); 0: unlimited
 *     <p>Over 300 lines because the dispatcher has the most settings of any stage: each is declared
 *     here once, with its default, bounds and the text the README and docs/webhooks.md check
 *     against.
 */
public record DispatcherConfig(
    String groupId,
    int maxInflight,
    double projectShare,
    Duration connectTimeout,
    Duration requestTimeout,
    String httpHost,
    int httpPort,
    RetrySchedule retrySchedule,
    WebhookSecrets secrets,
    List<NetworkRange> allowedNetworks,
    AllowedPorts allowedPorts,
    int maxPerHost,
    Duration hostStall,
    KafkaSettings kafka,
    ResultStoreSettings results,
    Duration recordLinger,
    Duration endpointDisableAfter,
    NotifyUrls notifyUrls,
    double endpointRate) {

  public static final Setting GROUP_ID =
      Setting.of(
          "DISPATCHER_GROUP_ID",
          "hookrun-dispatchers",
          "Consumer group of the webhook dispatchers (the retry tiers use <group>.retries)");
  public static final Setting MAX_INFLIGHT =
      Setting.of(
          "DISPATCHER_MAX_INFLIGHT",
          "1000",
          "Webhook deliveries in progress at once per dispatcher; at the bound it pauses fetching");
  public static final Setting PROJECT_SHARE =
      Setting.of(
          "DISPATCHER_PROJECT_SHARE",
          "0.5",
          "Part of DISPATCHER_MAX_INFLIGHT one project's webhooks may hold, in (0, 1]; a delivery of a project at its "
              + "share waits for the project's turn (up to DISPATCHER_MAX_INFLIGHT waiting in all), beyond that it "
              + "is deferred to the first retry tier without spending an attempt, so other projects' webhooks go on");
  public static final Setting CONNECT_TIMEOUT =
      Setting.of("WEBHOOK_CONNECT_TIMEOUT", "5s", "Time allowed to connect to a webhook endpoint");
  public static final Setting REQUEST_TIMEOUT =
      Setting.of(
          "WEBHOOK_REQUEST_TIMEOUT",
          "15s",
          "Time allowed for a whole webhook attempt, connect to last byte of the answer");
  public static final Setting RETRY_SCHEDULE =
      Setting.of(
          "WEBHOOK_RETRY_SCHEDULE",
          RetrySchedule.DEFAULT,
          "Delays before each retry of a failed webhook (each ±20 % jitter); 1s,1s,2s means 3 retries, 4 attempts in all");
  public static final Setting SECRETS =
      Setting.of(
              "WEBHOOK_SECRETS",
              "",
              "Signing secret per project: project=whsec_<base64 of 24-64 bytes>,...; a project listed again"
                  + " (newest first) is signed with each of its secrets, for rotation; projects without one get"
                  + " unsigned webhooks")
          .asSecret();
  public static final Setting ALLOWED_NETWORKS =
      Setting.of(
          "WEBHOOK_ALLOWED_NETWORKS",
          "",
          "CIDR blocks webhooks may reach although not public (e.g. 10.0.0.0/8,fd00::/8); when set it is the whole allow-list");
  public static final Setting ALLOWED_PORTS =
      Setting.of(
          "WEBHOOK_ALLOWED_PORTS",
          "",
          "Ports webhooks may go to, e.g. 80,443,8000-9000 (empty: any); a webhook to another port is refused "
              + "like a refused address");
  public static final Setting MAX_PER_HOST =
      Setting.of(
          "WEBHOOK_MAX_PER_HOST",
          "50",
          "Webhook requests in progress to one host (host:port) at once");
  public static final Setting HOST_STALL =
      Setting.of(
          "WEBHOOK_HOST_STALL",
          "5s",
          "Longest a delivery may wait for a slot at a host that has WEBHOOK_MAX_PER_HOST requests in progress "
              + "(judged by the host's pace while DISPATCHER_MAX_INFLIGHT is spent; a host that finished nothing for "
              + "this long is stuck at any time); beyond it the "
              + "delivery is deferred (host busy) to the first retry tier without spending an attempt");
  public static final Setting RECORD_LINGER =
      Setting.of(
          "DISPATCHER_RECORD_LINGER",
          "5ms",
          "How long a record the dispatcher writes after an attempt (the webhook state, a retry, a dead letter) waits "
              + "for others to share its Kafka produce request: fewer broker requests per run, and a webhook that a "
              + "crash makes the next dispatcher send again is that much likelier; 0ms sends each at once");

  public static final Setting ENDPOINT_DISABLE_AFTER =
      Setting.of(
          "ENDPOINT_DISABLE_AFTER",
          "5d",
          "An endpoint (scheme, host, port, path) whose every attempt failed for this long, with no success since, is "
              + "disabled: its deliveries are dead-lettered (endpoint_disabled) without an attempt until an operator "
              + "enables it (POST /ops/endpoints/enable)");
  public static final Setting NOTIFY_URL =
      Setting.of(
          "WEBHOOK_NOTIFY_URL",
          "",
          "Where a project hears that one of its endpoints was disabled: project=https://...,...; *=https://... for "
              + "projects not listed; one signed endpoint.disabled event per disable");
  public static final Setting ENDPOINT_RATE =
      Setting.of(
          "WEBHOOK_ENDPOINT_RATE",
          "0",
          "Webhook requests per second to one endpoint from each dispatcher (e.g. 10 or 0.5); 0: unlimited. A delivery "
              + "over the rate waits its turn (up to WEBHOOK_HOST_STALL), beyond that it is deferred without spending "
              + "an attempt");

  public static final List<Setting> SETTINGS =
      Setting.catalog(
          List.of(
              GROUP_ID,
              MAX_INFLIGHT,
              PROJECT_SHARE,
              CONNECT_TIMEOUT,
              REQUEST_TIMEOUT,
              RETRY_SCHEDULE,
              SECRETS,
              ALLOWED_NETWORKS,
              ALLOWED_PORTS,
              MAX_PER_HOST,
              HOST_STALL,
              RECORD_LINGER,
              ENDPOINT_DISABLE_AFTER,
              NOTIFY_URL,
              ENDPOINT_RATE),
          AdminListener.SETTINGS,
          KafkaSettings.SETTINGS,
          ResultStoreSettings.SETTINGS);

  /** What {@link #withLoopbackAllowed} opens: the local run's webhook receivers live there. */
  public static final List<String> LOOPBACK = List.of("127.0.0.0/8", "::1/128");

  public static DispatcherConfig fromEnv(Map<String, String> vars) {
    return ProcessSettings.read(vars, env -> read(env, KafkaSettings.fromEnv(env), true));
  }

  /**
   * A dispatcher for tests and embedding: every setting at its default, Kafka as given (a test's
   * short RUN_RETENTION is its own business: the start-up check against the retry schedule is
   * {@link #fromEnv}'s).
   */
  public static DispatcherConfig defaults(KafkaSettings kafka) {
    return Env.read(Map.of(), env -> read(env, kafka, false));
  }

  private static DispatcherConfig read(Env env, KafkaSettings kafka, boolean checkRetention) {
    RetrySchedule schedule = schedule(env);
    if (checkRetention) {
      retentionCoversRetries(env, kafka.runRetention(), schedule);
    }
    return new DispatcherConfig(
        env.string(GROUP_ID),
        env.integer(MAX_INFLIGHT, 1, 100_000),
        share(env),
        env.duration(CONNECT_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(5)),
        env.duration(REQUEST_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(10)),
        env.string(AdminListener.HTTP_HOST),
        env.integer(AdminListener.HTTP_PORT, 0, 65_535),
        schedule != null ? schedule : RetrySchedule.of(parseDelays(RetrySchedule.DEFAULT)),
        secrets(env),
        networks(env),
        ports(env),
        env.integer(MAX_PER_HOST, 1, 10_000),
        env.duration(HOST_STALL, Duration.ZERO, Duration.ofMinutes(10)),
        kafka,
        ResultStoreSettings.fromEnv(env),
        env.duration(RECORD_LINGER, Duration.ZERO, Duration.ofSeconds(1)),
        env.duration(ENDPOINT_DISABLE_AFTER, Duration.ofSeconds(1), Duration.ofDays(365)),
        notifyUrls(env),
        rate(env));
  }

  /**
   * A run's state, the dispatchers' memory of its delivery and its stored result all last
   * RUN_RETENTION: a retry schedule longer than that would retry a webhook whose run the gateways
   * have forgotten.
   */
  private static void retentionCoversRetries(Env env, Duration retention, RetrySchedule schedule) {
    if (schedule == null || Env.parseDuration(env.string(KafkaSettings.RUN_RETENTION)) == null) {
      return; // a value that does not parse is a problem of its own already
    }
    Duration longest = schedule.longest();
    if (retention.compareTo(longest) < 0) {
      env.problem(
          KafkaSettings.RUN_RETENTION.name()
              + "="
              + env.string(KafkaSettings.RUN_RETENTION)
              + " is shorter than "
              + RETRY_SCHEDULE.name()
              + "="
              + schedule
              + " takes at most ("
              + RetrySchedule.describe(longest)
              + " with +"
              + Math.round(RetrySchedule.JITTER * 100)
              + " % jitter): raise RUN_RETENTION to at least that, or shorten the schedule");
    }
  }

  /** e.g. {@code withEndpointHealth(Duration.ofSeconds(3), Map.of("p1", url), 0)}. */
  public DispatcherConfig withEndpointHealth(
      Duration disableAfter, Map<String, String> notifyUrlsByProject, double ratePerSecond) {
    return Records.with(
        this,
        "endpointDisableAfter",
        disableAfter,
        "notifyUrls",
        NotifyUrls.of(notifyUrlsByProject),
        "endpointRate",
        ratePerSecond);
  }

  public DispatcherConfig withGroupId(String group) {
    return Records.with(this, "groupId", group);
  }

  public DispatcherConfig withResults(ResultStoreSettings settings) {
    return Records.with(this, "results", settings);
  }

  /** e.g. {@code withRetrySchedule("100ms,200ms")}. */
  public DispatcherConfig withRetrySchedule(String schedule) {
    return Records.with(this, "retrySchedule", RetrySchedule.of(parseDelays(schedule)));
  }

  public DispatcherConfig withSecrets(Map<String, String> secretsByProject) {
    return Records.with(this, "secrets", WebhookSecrets.of(secretsByProject));
  }

  /** Several secrets per project, newest first, as while a secret is rotated. */
  public DispatcherConfig withRotatingSecrets(Map<String, List<String>> secretsByProject) {
    return Records.with(this, "secrets", WebhookSecrets.ofRotating(secretsByProject));
  }

  /** Replaces the allow-list, e.g. {@code withAllowedNetworks("127.0.0.0/8")}. */
  public DispatcherConfig withAllowedNetworks(List<String> cidrs) {
    return Records.with(this, "allowedNetworks", cidrs.stream().map(NetworkRange::parse).toList());
  }

  /**
   * Lets webhooks reach loopback, for a local run whose receiver is on this machine. Only when no
   * allow-list was configured: a configured WEBHOOK_ALLOWED_NETWORKS is the whole allow-list.
   */
  public DispatcherConfig withLoopbackAllowed() {
    return allowedNetworks.isEmpty() ? withAllowedNetworks(LOOPBACK) : this;
  }

  /** e.g. {@code withAllowedPorts("80,443,8000-9000")}; empty allows any. */
  public DispatcherConfig withAllowedPorts(String ports) {
    return Records.with(this, "allowedPorts", AllowedPorts.parse(ports));
  }

  public DispatcherConfig withTimeouts(Duration connect, Duration request) {
    return Records.with(this, "connectTimeout", connect, "requestTimeout", request);
  }

  public DispatcherConfig withLimits(int maxInflight, int maxPerHost, Duration hostStall) {
    return Records.with(
        this, "maxInflight", maxInflight, "maxPerHost", maxPerHost, "hostStall", hostStall);
  }

  /** The schedule, or null when it is not valid (its problems are added). */
  private static RetrySchedule schedule(Env env) {
    List<Duration> delays = env.durations(RETRY_SCHEDULE);
    List<String> problems = RetrySchedule.problems(delays);
    if (!problems.isEmpty()) {
      problems.forEach(p -> env.problem(RETRY_SCHEDULE.name() + " " + p));
      return null;
    }
    return RetrySchedule.of(delays);
  }

  /**
   * {@code project=secret,...}; a project listed again gets another secret (newest first), which is
   * how a secret is rotated. Not {@link Env#pairs}, which takes a repeated key for a mistake.
   */
  private static WebhookSecrets secrets(Env env) {
    Map<String, List<String>> byProject = new LinkedHashMap<>();
    boolean valid = true;
    for (String part : env.string(SECRETS).split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq <= 0 || eq == part.length() - 1) {
        env.problem(SECRETS.name() + " has an entry that is not project=secret"); // never echoed
        valid = false;
        continue;
      }
      byProject
          .computeIfAbsent(part.substring(0, eq).trim(), p -> new ArrayList<>())
          .add(part.substring(eq + 1).trim());
    }
    for (var entry : byProject.entrySet()) {
      String problem = WebhookSecrets.problem(entry.getValue());
      if (problem != null) {
        // names the project, never the secret
        env.problem(SECRETS.name() + ": the secret of project " + entry.getKey() + " " + problem);
        valid = false;
      }
    }
    return valid ? WebhookSecrets.ofRotating(byProject) : WebhookSecrets.none();
  }

  private static List<NetworkRange> networks(Env env) {
    List<NetworkRange> out = new ArrayList<>();
    for (String part : env.string(ALLOWED_NETWORKS).split(",")) {
      if (part.isBlank()) {
        continue;
      }
      try {
        out.add(NetworkRange.parse(part));
      } catch (IllegalArgumentException e) {
        env.problem(ALLOWED_NETWORKS.name() + ": " + e.getMessage());
      }
    }
    return List.copyOf(out);
  }

  private static double share(Env env) {
    String raw = env.string(PROJECT_SHARE);
    double share;
    try {
      share = Double.parseDouble(raw);
    } catch (NumberFormatException e) {
      share = Double.NaN;
    }
    if (!(share > 0 && share <= 1)) { // NaN fails both
      env.problem(
          PROJECT_SHARE.name() + "=" + raw + " must be a fraction above 0 and at most 1, e.g. 0.5");
      return 1;
    }
    return share;
  }

  private static NotifyUrls notifyUrls(Env env) {
    Map<String, String> byProject = env.pairs(NOTIFY_URL, NotifyUrls::problem);
    return NotifyUrls.of(byProject);
  }

  private static double rate(Env env) {
    String raw = env.string(ENDPOINT_RATE);
    double rate;
    try {
      rate = Double.parseDouble(raw.trim());
    } catch (NumberFormatException e) {
      rate = Double.NaN;
    }
    if (!(rate >= 0 && rate <= 100_000)) { // NaN fails both
      env.problem(
          ENDPOINT_RATE.name()
              + "="
              + raw
              + " must be requests per second from 0 (unlimited) to 100000, e.g. 10 or 0.5");
      return 0;
    }
    return rate;
  }

  private static AllowedPorts ports(Env env) {
    try {
      return AllowedPorts.parse(env.string(ALLOWED_PORTS));
    } catch (IllegalArgumentException e) {
      env.problem(ALLOWED_PORTS.name() + ": " + e.getMessage());
      return AllowedPorts.any();
    }
  }

  private static List<Duration> parseDelays(String schedule) {
    List<Duration> out = new ArrayList<>();
    for (String part : schedule.split(",")) {
      Duration d = Env.parseDuration(part);
      if (d == null) {
        throw new IllegalArgumentException("'" + part.trim() + "' is not a duration");
      }
      out.add(d);
    }
    return out;
  }
}
