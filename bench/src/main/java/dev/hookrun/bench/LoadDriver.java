package dev.hookrun.bench;

import dev.hookrun.receiver.WebhookServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends predicts with webhooks and receives the webhooks itself, then prints one scenario's
 * figures: accepted/s, accept p50/p99, end-to-end runs/s and p50/p95/p99 (send → webhook), missing
 * and duplicate webhooks, and the CPU seconds of the processes named with --pids.
 *
 * <pre>
 * --url http://127.0.0.1:8080/v3/p/webhook-delay-example/predict --key K
 * --runs 20000 --concurrency 64            (closed loop)   or   --rate 1000 --seconds 30 (open loop)
 * --body '{"delayMins":0}'  --blackhole 0.1  --wait-seconds 60  --label name  --pids gateway=123,worker=456
 * </pre>
 *
 * <p>Over 300 lines (as formatted) on purpose: sending, pacing, the webhook receiver and the
 * figures it prints share the per-request timestamps; split, each part would need the others' maps.
 */
public final class LoadDriver {

  private final Map<String, String> opts;
  private final Vertx vertx = Vertx.vertx();
  private final Histogram accept = new Histogram();
  private final Histogram endToEnd = new Histogram();
  private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
  private final Map<String, Long> firstWebhookAt = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> webhookCount = new ConcurrentHashMap<>();
  private final Map<String, String> webhookIds = new ConcurrentHashMap<>();
  private final AtomicInteger webhookIdMismatches = new AtomicInteger();
  private final AtomicInteger startEvents = new AtomicInteger();
  private final AtomicInteger progressEvents = new AtomicInteger();
  private final AtomicInteger eventsAfterCompleted = new AtomicInteger();
  private final Map<String, Boolean> completedRuns = new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicInteger refused = new AtomicInteger();
  private final Map<Integer, AtomicInteger> refusedByStatus = new ConcurrentHashMap<>();
  private final AtomicLong lastAcceptNanos = new AtomicLong();
  private final AtomicLong lastWebhookNanos = new AtomicLong();
  private final Map<String, Boolean> blackholed = new ConcurrentHashMap<>();
  private volatile boolean recording = true;
  private HttpClient client;
  private int receiverPort;
  private int blackholePort;

  private LoadDriver(Map<String, String> opts) {
    this.opts = opts;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    new LoadDriver(opts).run();
  }

  private void run() throws Exception {
    int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "64"));
    client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(Math.max(concurrency, 64)));
    receiverPort = startReceiver();
    blackholePort = startBlackHole();
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "0"));
    if (warmup > 0) {
      // JIT and connection warm-up for driver and system alike; nothing here is counted
      recording = false;
      closedLoop(concurrency, warmup);
      recording = true;
      lastAcceptNanos.set(0);
    }
    Map<String, Long> pids = parsePids(opts.getOrDefault("pids", ""));
    CpuClock cpu = new CpuClock(pids);
    Map<String, Double> brokerBefore = BrokerRequests.scrape(opts.get("metrics"));
    long start = System.nanoTime();
    int sent =
        opts.containsKey("rate")
            ? openLoop()
            : closedLoop(concurrency, Integer.parseInt(opts.getOrDefault("runs", "20000")));
    double sendSeconds = (lastAcceptNanos.get() - start) / 1e9;
    int accepted = accept.count();
    waitForWebhooks(Integer.parseInt(opts.getOrDefault("wait-seconds", "120")));
    Map<String, Double> cpuSeconds = cpu.elapsed();
    Map<String, Double> brokerRequests =
        BrokerRequests.since(brokerBefore, BrokerRequests.scrape(opts.get("metrics")));
    report(sent, accepted, sendSeconds, start, cpuSeconds, brokerRequests);
    vertx.close().await();
    System.exit(0);
  }

  private int closedLoop(int concurrency, int runs) throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int lane = 0; lane < concurrency; lane++) {
      vertx.runOnContext(v -> sendNext(next, runs, done));
    }
    done.await(30, TimeUnit.MINUTES);
    return runs;
  }

  private void sendNext(AtomicInteger next, int runs, CountDownLatch done) {
    int i = next.getAndIncrement();
    if (i >= runs) {
      done.countDown();
      return;
    }
    send(i, System.nanoTime()).onComplete(x -> sendNext(next, runs, done));
  }

  /** Fixed rate; latency counts from the intended send time, so a stall is not hidden. */
  private int openLoop() throws InterruptedException {
    int rate = Integer.parseInt(opts.get("rate"));
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "30"));
    int total = rate * seconds;
    CountDownLatch done = new CountDownLatch(total);
    long start = System.nanoTime();
    long intervalNanos = 1_000_000_000L / rate;
    AtomicInteger scheduled = new AtomicInteger();
    vertx.setPeriodic(
        1,
        id -> {
          long due = (System.nanoTime() - start) / intervalNanos + 1;
          while (scheduled.get() < Math.min(due, total)) {
            int i = scheduled.getAndIncrement();
            send(i, start + i * intervalNanos).onComplete(x -> done.countDown());
          }
          if (scheduled.get() >= total) {
            vertx.cancelTimer(id);
          }
        });
    done.await(seconds + 120L, TimeUnit.SECONDS);
    return total;
  }

  private Future<Void> send(int i, long intendedNanos) {
    boolean toBlackhole =
        Math.floorMod(i * 7919, 1000)
            < Double.parseDouble(opts.getOrDefault("blackhole", "0")) * 1000;
    JsonObject body = new JsonObject(opts.getOrDefault("body", "{\"delayMins\":0}"));
    body.put(
        "webhook_endpoint",
        "http://127.0.0.1:" + (toBlackhole ? blackholePort : receiverPort) + "/hook");
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(opts.get("url"))
            .putHeader("Content-Type", "application/json")
            .putHeader("Authorization", opts.getOrDefault("key", ""))
            .setTimeout(30_000);
    return client
        .request(request)
        .compose(req -> req.send(body.toBuffer()))
        .compose(
            resp ->
                resp.body()
                    .map(
                        b -> {
                          long now = System.nanoTime();
                          if (!recording) {
                            return (Void) null;
                          }
                          if (resp.statusCode() == 202 || resp.statusCode() == 200) {
                            accept.record((now - intendedNanos) / 1_000);
                            lastAcceptNanos.accumulateAndGet(now, Math::max);
                            String runId = b.toJsonObject().getString("run_id");
                            sentAt.put(runId, intendedNanos);
                            if (toBlackhole) {
                              blackholed.put(runId, true);
                            }
                          } else {
                            refused.incrementAndGet();
                            refusedByStatus
                                .computeIfAbsent(resp.statusCode(), k -> new AtomicInteger())
                                .incrementAndGet();
                          }
                          return (Void) null;
                        }))
        .recover(
            e -> {
              refused.incrementAndGet();
              refusedByStatus.computeIfAbsent(0, k -> new AtomicInteger()).incrementAndGet();
              return Future.succeededFuture();
            });
  }

  private int startReceiver() {
    return WebhookServer.listen(
            vertx,
            Integer.parseInt(opts.getOrDefault("receiver-port", "0")),
            (req, body) -> {
              long now = System.nanoTime();
              JsonObject json = body.toJsonObject();
              String runId = json.getString("run_id");
              String webhookId = req.getHeader("webhook-id");
              String event = json.getString("event", "completed");
              if (!event.equals("completed")) {
                // start and progress events are counted on their own, never as the run's webhook
                (event.equals("progress") ? progressEvents : startEvents).incrementAndGet();
                if (completedRuns.containsKey(runId)) {
                  eventsAfterCompleted.incrementAndGet();
                }
                req.response().setStatusCode(200).end();
                return;
              }
              completedRuns.put(runId, Boolean.TRUE);
              webhookCount.computeIfAbsent(runId, k -> new AtomicInteger()).incrementAndGet();
              firstWebhookAt.putIfAbsent(runId, now);
              lastWebhookNanos.accumulateAndGet(now, Math::max);
              if (webhookId != null) {
                String earlier = webhookIds.putIfAbsent(runId, webhookId);
                if (earlier != null && !earlier.equals(webhookId)) {
                  webhookIdMismatches.incrementAndGet();
                }
              }
              req.response().setStatusCode(200).end();
            })
        .await()
        .port();
  }

  /** Accepts TCP connections and never answers: the worst kind of webhook endpoint. */
  private int startBlackHole() {
    NetServer server = vertx.createNetServer().connectHandler(socket -> socket.handler(data -> {}));
    return server.listen(0, "127.0.0.1").await().actualPort();
  }

  private void waitForWebhooks(int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      long healthyMissing =
          sentAt.keySet().stream()
              .filter(id -> !blackholed.containsKey(id) && !firstWebhookAt.containsKey(id))
              .count();
      if (healthyMissing == 0) {
        return;
      }
      Thread.sleep(100);
    }
  }

  private void report(
      int sent,
      int accepted,
      double sendSeconds,
      long start,
      Map<String, Double> cpu,
      Map<String, Double> brokerRequests) {
    int healthy = 0;
    int missing = 0;
    int duplicates = 0;
    long lastHealthy = start;
    for (var entry : sentAt.entrySet()) {
      if (blackholed.containsKey(entry.getKey())) {
        continue;
      }
      healthy++;
      Long got = firstWebhookAt.get(entry.getKey());
      if (got == null) {
        missing++;
        continue;
      }
      lastHealthy = Math.max(lastHealthy, got);
      endToEnd.record((got - entry.getValue()) / 1_000);
      duplicates += webhookCount.get(entry.getKey()).get() - 1;
    }
    double e2eSeconds = (lastHealthy - start) / 1e9;
    double makespan = (lastHealthy - lastAcceptNanos.get()) / 1e9;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("label", opts.getOrDefault("label", "run"));
    out.put("sent", sent);
    out.put("accepted", accepted);
    out.put("refused", refused.get() + (refusedByStatus.isEmpty() ? "" : " " + refusedByStatus));
    out.put("accepted_per_s", round(accepted / Math.max(sendSeconds, 1e-9)));
    out.put("accept_p50_ms", round(accept.percentileMs(50)));
    out.put("accept_p99_ms", round(accept.percentileMs(99)));
    out.put(
        "e2e_runs_per_s",
        round(healthy == 0 ? 0 : (healthy - missing) / Math.max(e2eSeconds, 1e-9)));
    out.put("e2e_p50_ms", round(endToEnd.percentileMs(50)));
    out.put("e2e_p95_ms", round(endToEnd.percentileMs(95)));
    out.put("e2e_p99_ms", round(endToEnd.percentileMs(99)));
    out.put("last_webhook_after_last_accept_s", round(makespan));
    out.put("missing", missing);
    out.put("duplicates", duplicates);
    out.put("webhook_id_changed", webhookIdMismatches.get());
    out.put("blackholed", blackholed.size());
    if (startEvents.get() + progressEvents.get() > 0) {
      out.put("start_events", startEvents.get());
      out.put("progress_events", progressEvents.get());
      out.put(
          "progress_events_per_run", round(progressEvents.get() / (double) Math.max(1, healthy)));
      out.put("events_after_completed", eventsAfterCompleted.get());
    }
    cpu.forEach((name, seconds) -> out.put("cpu_s_" + name, round(seconds)));
    double systemCpu = cpu.values().stream().mapToDouble(Double::doubleValue).sum();
    if (!cpu.isEmpty() && accepted > 0) {
      out.put("cpu_ms_per_run", round(1000 * systemCpu / accepted));
    }
    if (accepted > 0) {
      brokerRequests.forEach(
          (type, n) ->
              out.put("broker_" + type.toLowerCase() + "_requests_per_run", round(n / accepted)));
    }
    StringBuilder line = new StringBuilder();
    out.forEach((k, v) -> line.append(k).append('=').append(v).append("  "));
    System.out.println(line.toString().trim());
    System.out.println("JSON " + new JsonObject(out).encode());
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  private static Map<String, Long> parsePids(String spec) {
    Map<String, Long> pids = new LinkedHashMap<>();
    for (String part : spec.split(",")) {
      if (part.contains("=")) {
        String[] kv = part.split("=", 2);
        pids.put(kv[0], Long.parseLong(kv[1]));
      }
    }
    return pids;
  }
}
